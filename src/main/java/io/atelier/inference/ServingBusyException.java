package io.atelier.inference;

import java.time.Duration;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

class ServingBusyException extends ErrorResponseException {

	ServingBusyException(Duration wait) {
		super(HttpStatus.SERVICE_UNAVAILABLE, problem(wait), null);
		getHeaders().set("Retry-After", "1");
	}

	private static ProblemDetail problem(Duration wait) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"Every predictor stayed busy for " + wait.toMillis() + " ms; retry shortly.");
		problem.setTitle("Prediction capacity exhausted");
		return problem;
	}

}
