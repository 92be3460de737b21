package io.atelier.job;

import java.time.Duration;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Every slot of the job queue is taken; the client should retry later.
 */
class QueueFullException extends ErrorResponseException {

	QueueFullException(int capacity, Duration retryAfter) {
		super(HttpStatus.SERVICE_UNAVAILABLE, Problems.detail(HttpStatus.SERVICE_UNAVAILABLE, "Job queue full",
				"The job queue is full (" + capacity + " jobs waiting); nothing was queued. Retry after "
						+ retryAfter.toSeconds() + " seconds."), null);
		getHeaders().set("Retry-After", Long.toString(retryAfter.toSeconds()));
	}

}
