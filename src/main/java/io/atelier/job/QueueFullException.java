package io.atelier.job;

import java.time.Duration;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Every slot of the job queue is taken; the client should retry later.
 */
class QueueFullException extends ErrorResponseException {

	QueueFullException(int capacity, Duration retryAfter) {
		super(HttpStatus.SERVICE_UNAVAILABLE, problem(capacity, retryAfter), null);
		getHeaders().set("Retry-After", Long.toString(retryAfter.toSeconds()));
	}

	private static ProblemDetail problem(int capacity, Duration retryAfter) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "The job queue is full ("
				+ capacity + " jobs waiting); nothing was queued. Retry after " + retryAfter.toSeconds() + " seconds.");
		problem.setTitle("Job queue full");
		return problem;
	}

}
