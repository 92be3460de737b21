package io.atelier.job;

import java.time.Instant;

import io.atelier.store.ModelCatalog;
import io.atelier.store.StoredModel;
import io.atelier.training.Evaluation;
import lombok.RequiredArgsConstructor;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way a job ends: its record is closed, then {@link JobFinished} tells whoever listens
 * (metrics, live streams, the models being served). A running job is ended by the attempt that holds
 * it, and only while it does; a job that had already ended, or passed to another worker, is left as it was.
 */
@Component
@RequiredArgsConstructor
class JobCompletion {

	static final String CANCELLED_BEFORE_START = "Cancelled before it started.";

	private final JobRepository jobs;

	private final ApplicationEventPublisher events;

	private final ModelCatalog models;

	private final TransactionTemplate transactions;

	/**
	 * Ends the job and records its model in one transaction, so the model is served only if this attempt
	 * still held the job: one that lost it leaves files no row points to.
	 */
	boolean succeeded(Lease lease, Evaluation evaluation, StoredModel model) {
		boolean ended = Boolean.TRUE.equals(transactions.execute(status -> {
			if (!jobs.finish(lease, JobState.SUCCEEDED, null, evaluation, Instant.now())) {
				return false;
			}
			models.register(model);
			return true;
		}));
		if (ended) {
			announce(lease.jobId(), JobState.SUCCEEDED, null);
		}
		return ended;
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
