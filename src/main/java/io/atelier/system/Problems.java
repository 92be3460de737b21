package io.atelier.system;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * RFC 9457 problem details with a title and a detail a person can act on, for the features'
 * exceptions; {@link ProblemDetailsAdvice} renders them.
 */
public final class Problems {

	private Problems() {
	}

	public static ProblemDetail detail(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

	/** A request the firewall refused: control characters in a name, an encoded slash in the path. */
	public static ProblemDetail rejected() {
		return detail(HttpStatus.BAD_REQUEST, "Request rejected", "The request has characters or a shape this service "
				+ "refuses, such as control characters in a parameter name or an encoded slash or '..' in the path.");
	}

	/** One entry of a problem's {@code errors} list: which field, what is wrong with it, what was sent. */
	public static Map<String, Object> fieldError(String field, String message, Object rejectedValue) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("field", field);
		error.put("message", message);
		error.put("rejectedValue", rejectedValue);
		return error;
	}

	public static ErrorResponseException error(HttpStatus status, String title, String detail) {
		return new ErrorResponseException(status, detail(status, title, detail), null);
	}

}
