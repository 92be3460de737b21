package io.atelier.job;

import java.time.Instant;
import java.util.List;

import io.atelier.training.EpochResult;
import io.atelier.training.Evaluation;

/**
 * A job as the database keeps it.
 *
 * @param worker the worker that runs it, or ran it last
 * @param attempt how many times a worker has claimed it
 * @param position where its worker last reported it, within an epoch; null when none has
 */
record JobRecord(String id, JobState state, Hyperparameters hyperparameters, List<EpochResult> history,
		List<Resumption> resumes, Evaluation evaluation, String error, boolean cancelRequested, Instant createdAt,
		Instant startedAt, Instant finishedAt, String worker, int attempt, Position position) {

	static JobRecord queued(String id, Hyperparameters hyperparameters, Instant now) {
		return new JobRecord(id, JobState.QUEUED, hyperparameters, List.of(), List.of(), null, null, false, now, null,
				null, null, 0, null);
	}

	JobRecord with(List<EpochResult> history, List<Resumption> resumes) {
		return new JobRecord(id, state, hyperparameters, history, resumes, evaluation, error, cancelRequested,
				createdAt, startedAt, finishedAt, worker, attempt, position);
	}

	/** Batches done in the epoch that is running. */
	record Position(int epoch, int batch, int batchesPerEpoch) {
	}

}
