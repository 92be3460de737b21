package io.atelier.inference;

import org.springframework.http.HttpStatus;

/**
 * An Open Inference Protocol error: answered as the protocol's {@code {"error": "..."}} with its
 * status, 400 unless said otherwise.
 */
class OpenInferenceException extends RuntimeException {

	private final HttpStatus status;

	OpenInferenceException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	static OpenInferenceException badRequest(String message) {
		return new OpenInferenceException(HttpStatus.BAD_REQUEST, message);
	}

	HttpStatus status() {
		return status;
	}

}
