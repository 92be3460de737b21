package io.atelier.job;

import java.time.Instant;

import io.atelier.training.Evaluation;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The one way a job ends: its record is closed, then {@link JobFinished} tells whoever listens
 * (metrics, live streams, the models being served). A job that had already ended is left as it was.
 */
@Component
class JobCompletion {

	static final String CANCELLED_BEFORE_START = "Cancelled before it started.";

	private final JobRepository jobs;

	private final ApplicationEventPublisher events;

	JobCompletion(JobRepository jobs, ApplicationEventPublisher events) {
		this.jobs = jobs;
		this.events = events;
	}

	boolean succeeded(String id, Evaluation evaluation) {
		return finish(id, JobState.SUCCEEDED, null, evaluation);
	}

	boolean failed(String id, String reason) {
		return finish(id, JobState.FAILED, reason, null);
	}

	boolean cancelled(String id, String reason) {
		return finish(id, JobState.CANCELLED, reason, null);
	}

	boolean cancelledBeforeStart(String id) {
		return cancelled(id, CANCELLED_BEFORE_START);
	}

	private boolean finish(String id, JobState state, String error, Evaluation evaluation) {
		if (!jobs.finish(id, state, error, evaluation, Instant.now())) {
			return false;
		}
		events.publishEvent(new JobFinished(id, state, error));
		return true;
	}

}
