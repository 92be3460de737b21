package io.atelier.inference;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

class InvalidImageException extends ErrorResponseException {

	InvalidImageException(String detail) {
		super(HttpStatus.BAD_REQUEST, Problems.detail(HttpStatus.BAD_REQUEST, "Invalid image", detail), null);
	}

	@Override
	public String getMessage() {
		return getBody().getDetail();
	}

}
