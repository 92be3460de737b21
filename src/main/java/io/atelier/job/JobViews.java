package io.atelier.job;

import java.util.List;

import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointStore;
import lombok.RequiredArgsConstructor;

import org.springframework.stereotype.Component;

/**
 * A job as clients see it: its record, progress as its worker last reported it, and its checkpoints.
 */
@Component
@RequiredArgsConstructor
class JobViews {

	private final JobWorker worker;

	private final CheckpointStore store;

	JobView of(JobRecord job) {
		Progress progress = job.state() == JobState.RUNNING
				? worker.progress(job.id()).orElseGet(() -> recorded(job)) : recorded(job);
		List<JobView.CheckpointView> checkpoints = store.list(job.id()).stream().map(this::checkpoint).toList();
		return new JobView(job.id(), job.state(), job.hyperparameters(), progress, job.history(), job.resumes(),
				job.evaluation(), checkpoints, job.error(), job.cancelRequested(), job.createdAt(), job.startedAt(),
				job.finishedAt(), job.worker(), job.attempt());
	}

	/** Progress as the database has it: finished epochs, and the position its worker last reported. */
	private static Progress recorded(JobRecord job) {
		int epochs = job.hyperparameters().epochs();
		if (job.state() == JobState.SUCCEEDED) {
			return new Progress(epochs, epochs, 0, 0, 1.0, 0.0);
		}
		JobRecord.Position at = job.position();
		if (job.state() == JobState.RUNNING && at != null && at.batchesPerEpoch() > 0) {
			double fraction = ((at.epoch() - 1) + (double) at.batch() / at.batchesPerEpoch()) / epochs;
			return new Progress(at.epoch(), epochs, at.batch(), at.batchesPerEpoch(), fraction, null);
		}
		int done = job.history().size();
		return new Progress(done, epochs, 0, 0, (double) done / epochs, null);
	}

	private JobView.CheckpointView checkpoint(Checkpoint checkpoint) {
		return new JobView.CheckpointView(checkpoint.epoch(), checkpoint.finalModel(), checkpoint.location(),
				checkpoint.sizeBytes(), checkpoint.savedAt());
	}

}
