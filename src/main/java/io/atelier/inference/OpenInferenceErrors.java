package io.atelier.inference;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors of the Open Inference Protocol endpoints in the protocol's own form, {@code {"error": "..."}},
 * with the status and headers (a 503's {@code Retry-After}) they would have had elsewhere.
 */
@RestControllerAdvice(assignableTypes = OpenInferenceController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenInferenceErrors {

	private static final Logger log = LoggerFactory.getLogger(OpenInferenceErrors.class);

	@ExceptionHandler(OpenInferenceException.class)
	ResponseEntity<Map<String, String>> protocol(OpenInferenceException ex) {
		return error(ex.status(), new HttpHeaders(), ex.getMessage());
	}

	/** What the rest of the service answers as problem+json: bad images, busy serving, bad parameters. */
	@ExceptionHandler(Exception.class)
	ResponseEntity<Map<String, String>> other(Exception ex) {
		if (ex instanceof ErrorResponse response) {
			String detail = response.getBody().getDetail();
			return error(response.getStatusCode(), response.getHeaders(),
					detail != null ? detail : response.getBody().getTitle());
		}
		if (ex instanceof TypeMismatchException mismatch) {
			return error(HttpStatus.BAD_REQUEST, new HttpHeaders(),
					"'" + mismatch.getPropertyName() + "' has the wrong type: " + mismatch.getValue());
		}
		log.error("Unexpected error", ex);
		return error(HttpStatus.INTERNAL_SERVER_ERROR, new HttpHeaders(),
				"The server could not complete the request; the error has been logged.");
	}

	private static ResponseEntity<Map<String, String>> error(HttpStatusCode status, HttpHeaders headers,
			String message) {
		return ResponseEntity.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", message));
	}

}
