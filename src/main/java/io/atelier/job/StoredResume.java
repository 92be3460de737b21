package io.atelier.job;

import java.util.Optional;

import ai.djl.Model;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.CheckpointStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's starting point read from the volume: either a resume point written at shutdown, within an
 * epoch, or the last epoch checkpoint, after which the next epoch starts.
 */
final class StoredResume implements TrainingRun.Resume {

	private static final Logger log = LoggerFactory.getLogger(StoredResume.class);

	private final Checkpoint checkpoint;

	private final CheckpointStore store;

	private final int epoch;

	private final EpochTotals totals;

	private final EpochResult previous;

	private StoredResume(Checkpoint checkpoint, CheckpointStore store, int epoch, EpochTotals totals,
			EpochResult previous) {
		this.checkpoint = checkpoint;
		this.store = store;
		this.epoch = epoch;
		this.totals = totals;
		this.previous = previous;
	}

	/** From a resume point: the same epoch, after the batches its totals count. */
	static Optional<StoredResume> within(Checkpoint point, CheckpointStore store, JsonMapper json) {
		return store.metadata(point)
			.map(metadata -> new StoredResume(point, store, metadata.epoch(),
					json.convertValue(metadata.metrics(), EpochTotals.class), null));
	}

	/** From an epoch checkpoint: the next epoch, from its first batch. */
	static Optional<StoredResume> after(Checkpoint last, CheckpointStore store, JsonMapper json) {
		return store.metadata(last)
			.map(metadata -> new StoredResume(last, store, metadata.epoch() + 1, EpochTotals.NONE,
					json.convertValue(metadata.metrics(), EpochResult.class)));
	}

	/** The epoch the checkpoint finished, in case the crash came before the database recorded it. */
	void recordHistory(JobRepository jobs) {
		if (previous != null) {
			jobs.addEpochIfMissing(checkpoint.jobId(), previous);
		}
	}

	/** In words, for the job's record of resumptions. */
	String describe() {
		return totals.batches() > 0
				? "resumed within epoch " + epoch + ", after batch " + totals.batches() + ", from the point saved at shutdown"
				: "resumed at epoch " + epoch + " from the checkpoint of epoch " + (epoch - 1);
	}

	@Override
	public int epoch() {
		return epoch;
	}

	@Override
	public int batch() {
		return totals.batches();
	}

	@Override
	public EpochTotals totals() {
		return totals;
	}

	@Override
	public EpochResult previous() {
		return previous;
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
