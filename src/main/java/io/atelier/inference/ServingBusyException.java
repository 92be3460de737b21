package io.atelier.inference;

import java.time.Duration;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

class ServingBusyException extends ErrorResponseException {

	ServingBusyException(Duration wait) {
		super(HttpStatus.SERVICE_UNAVAILABLE, Problems.detail(HttpStatus.SERVICE_UNAVAILABLE,
				"Prediction capacity exhausted", "Every predictor stayed busy for " + wait.toMillis() + " ms; retry shortly."),
				null);
		getHeaders().set("Retry-After", "1");
	}

}
