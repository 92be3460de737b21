package io.atelier.job;

import java.util.List;
import java.util.Map;

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
		Map<String, Object> error = new java.util.LinkedHashMap<>();
		error.put("field", field);
		error.put("message", message);
		error.put("rejectedValue", rejected);
		problem.setProperty("errors", List.of(error));
		return problem;
	}

}
