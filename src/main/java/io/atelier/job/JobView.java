package io.atelier.job;

import java.time.Instant;
import java.util.List;

import io.atelier.training.EpochResult;
import io.atelier.training.Evaluation;

/**
 * A job as clients see it.
 *
 * @param worker the worker that runs it, or ran it last; null while no worker has claimed it
 * @param attempt how many times a worker has claimed it: 1 for a job that ran uninterrupted
 */
record JobView(String id, JobState state, Hyperparameters hyperparameters, Progress progress,
		List<EpochResult> history, List<Resumption> resumes, Evaluation evaluation, List<CheckpointView> checkpoints, String error,
		boolean cancelRequested, Instant createdAt, Instant startedAt, Instant finishedAt, String worker, int attempt) {

	/**
	 * @param epoch the epoch after which it was written
	 * @param finalModel whether it is the job's final model
	 * @param path where it lives, relative to the data directory or the bucket's prefix
	 * @param sizeBytes its size on disk
	 * @param savedAt when it was written
	 */
	record CheckpointView(int epoch, boolean finalModel, String path, long sizeBytes, Instant savedAt) {
	}

}
