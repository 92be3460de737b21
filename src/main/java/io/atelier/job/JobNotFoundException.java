package io.atelier.job;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

class JobNotFoundException extends ErrorResponseException {

	JobNotFoundException(String id) {
		super(HttpStatus.NOT_FOUND, Problems.detail(HttpStatus.NOT_FOUND, "Job not found", "No job with id '" + id + "'."),
				null);
	}

}
