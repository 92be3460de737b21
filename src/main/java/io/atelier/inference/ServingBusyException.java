package io.atelier.inference;

import java.time.Duration;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

class ServingBusyException extends ErrorResponseException {

	ServingBusyException(Duration wait) {
		this("Every predictor stayed busy for " + wait.toMillis() + " ms; retry shortly.");
	}

	ServingBusyException(String detail) {
		super(HttpStatus.SERVICE_UNAVAILABLE,
				Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "Prediction capacity exhausted", detail), null);
		getHeaders().set("Retry-After", "1");
	}

	@Override
	public String getMessage() {
		return getBody().getDetail();
	}

}
