package io.atelier.job;

import java.util.List;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A well-formed request that asks for something this service cannot do: an unknown architecture,
 * a dataset that is not installed. Answered like bean-validation failures, field by field.
 */
class InvalidJobException extends ErrorResponseException {

	InvalidJobException(HttpStatus status, String title, String field, Object rejected, String message) {
		super(status, problem(status, title, field, rejected, message), null);
	}

	private static ProblemDetail problem(HttpStatus status, String title, String field, Object rejected,
			String message) {
		ProblemDetail problem = Problems.detail(status, title, message);
		problem.setProperty("errors", List.of(Problems.fieldError(field, message, rejected)));
		return problem;
	}

}
