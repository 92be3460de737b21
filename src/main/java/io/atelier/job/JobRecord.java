package io.atelier.job;

import java.time.Instant;
import java.util.List;

import io.atelier.training.EpochResult;
import io.atelier.training.Evaluation;

/**
 * A job as the database keeps it.
 */
record JobRecord(String id, JobState state, Hyperparameters hyperparameters, List<EpochResult> history,
		List<Resumption> resumes, Evaluation evaluation, String error, boolean cancelRequested, Instant createdAt,
		Instant startedAt, Instant finishedAt) {

	static JobRecord queued(String id, Hyperparameters hyperparameters, Instant now) {
		return new JobRecord(id, JobState.QUEUED, hyperparameters, List.of(), List.of(), null, null, false, now, null,
				null);
	}

}
