package io.atelier.job;

import java.time.Instant;

import io.atelier.training.Evaluation;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The one way a job ends: its record is closed, then {@link JobFinished} tells whoever listens
 * (metrics, live streams, the models being served). A running job is ended by the attempt that holds
 * it, and only while it does; a job that had already ended, or passed to another worker, is left as it was.
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

	boolean succeeded(Lease lease, Evaluation evaluation) {
		return finish(lease, JobState.SUCCEEDED, null, evaluation);
	}

	boolean failed(Lease lease, String reason) {
		return finish(lease, JobState.FAILED, reason, null);
	}

	boolean cancelled(Lease lease, String reason) {
		return finish(lease, JobState.CANCELLED, reason, null);
	}

	/** Cancels a job no worker has claimed yet; false if one has, or it had ended. */
	boolean cancelledBeforeStart(String id) {
		if (!jobs.finishQueued(id, JobState.CANCELLED, CANCELLED_BEFORE_START, Instant.now())) {
			return false;
		}
		announce(id, JobState.CANCELLED, CANCELLED_BEFORE_START);
		return true;
	}

	/** Tells listeners of a job ended in a transaction of its own, once that has committed. */
	void announce(String id, JobState state, String error) {
		events.publishEvent(new JobFinished(id, state, error));
	}

	private boolean finish(Lease lease, JobState state, String error, Evaluation evaluation) {
		if (!jobs.finish(lease, state, error, evaluation, Instant.now())) {
			return false;
		}
		announce(lease.jobId(), state, error);
		return true;
	}

}
