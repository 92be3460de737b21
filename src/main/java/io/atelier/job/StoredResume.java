package io.atelier.job;

import java.util.Optional;

import ai.djl.Model;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointStore;
import io.atelier.training.EpochResult;
import io.atelier.training.EpochTotals;
import io.atelier.training.PyTorchAdam;
import io.atelier.training.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's starting point read from the volume: either a resume point written at shutdown, within an
 * epoch, or the last epoch checkpoint, after which the next epoch starts.
 */
final class StoredResume implements TrainingRun.State {

	private static final Logger log = LoggerFactory.getLogger(StoredResume.class);

	private final Checkpoint checkpoint;

	private final CheckpointStore store;

	private StoredResume(Checkpoint checkpoint, CheckpointStore store) {
		this.checkpoint = checkpoint;
		this.store = store;
	}

	/** Where a job would continue: its resume point, else its last epoch checkpoint; empty for a fresh job. */
	static Optional<TrainingRun.Resume> latest(String jobId, CheckpointStore store, JsonMapper json) {
		return store.resumePoint(jobId)
			.flatMap(point -> within(point, store, json))
			.or(() -> store.lastEpoch(jobId).flatMap(last -> after(last, store, json)));
	}

	/** From a resume point: the same epoch, after the batches its totals count. */
	private static Optional<TrainingRun.Resume> within(Checkpoint point, CheckpointStore store, JsonMapper json) {
		return store.metadata(point)
			.map(metadata -> new TrainingRun.Resume(metadata.epoch(),
					json.convertValue(metadata.metrics(), EpochTotals.class), null, new StoredResume(point, store)));
	}

	/** From an epoch checkpoint: the next epoch, from its first batch. */
	private static Optional<TrainingRun.Resume> after(Checkpoint last, CheckpointStore store, JsonMapper json) {
		return store.metadata(last)
			.map(metadata -> new TrainingRun.Resume(metadata.epoch() + 1, EpochTotals.NONE,
					json.convertValue(metadata.metrics(), EpochResult.class), new StoredResume(last, store)));
	}

	/** In words, for the job's record of resumptions. */
	static String describe(TrainingRun.Resume resume) {
		return resume.batch() > 0
				? "resumed within epoch " + resume.epoch() + ", after batch " + resume.batch()
						+ ", from the point saved at shutdown"
				: "resumed at epoch " + resume.epoch() + " from the checkpoint of epoch " + (resume.epoch() - 1);
	}

	@Override
	public void restoreParameters(Model model) {
		store.loadParameters(checkpoint, model.getBlock(), model.getNDManager());
	}

	@Override
	public void restoreOptimizer(PyTorchAdam optimizer, Model model) {
		if (!store.loadOptimizer(checkpoint,
				in -> optimizer.load(model.getBlock().getParameters(), in, model.getNDManager()))) {
			log.warn("Job {}: its checkpoint has no optimizer state, so Adam's moments start again from zero",
					checkpoint.jobId());
		}
	}

}
