package io.atelier.job;

import java.util.Optional;

import ai.djl.Model;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointStore;
import io.atelier.training.EpochResult;
import io.atelier.training.EpochTotals;
import io.atelier.training.PyTorchAdam;
import io.atelier.training.TrainingRun;
import lombok.AccessLevel;
import lombok.RequiredArgsConstructor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's starting point read from the volume: either a resume point written at shutdown, within an
 * epoch, or the last epoch checkpoint, after which the next epoch starts.
 */
@RequiredArgsConstructor(access = AccessLevel.PRIVATE)
final class StoredResume implements TrainingRun.State {

	private static final Logger log = LoggerFactory.getLogger(StoredResume.class);

	private final Checkpoint checkpoint;

	private final CheckpointStore store;

	private final boolean resumePoint;

	private final JsonMapper json;

	private final String best;

	/**
	 * Where a job would continue: its resume point, else its last epoch checkpoint, as its record points
	 * to them; empty for a fresh job. A job without pointers, from a version before them, is resumed
	 * from what listing its sets finds.
	 */
	static Optional<TrainingRun.Resume> latest(String jobId, ResumeLocations locations, CheckpointStore store,
			JsonMapper json) {
		Optional<Checkpoint> point = locations.none() ? store.resumePoint(jobId)
				: Optional.ofNullable(locations.resumePoint()).flatMap(location -> store.at(jobId, location));
		return point.flatMap(found -> within(found, store, json, locations.best()))
			.or(() -> afterLastEpoch(jobId, locations, store, json));
	}

	/** Where a job continues when its resume point cannot be used: after its last epoch checkpoint. */
	static Optional<TrainingRun.Resume> afterLastEpoch(String jobId, ResumeLocations locations, CheckpointStore store,
			JsonMapper json) {
		Optional<Checkpoint> last = locations.none() ? store.lastEpoch(jobId)
				: Optional.ofNullable(locations.checkpoint()).flatMap(location -> store.at(jobId, location));
		return last.flatMap(found -> after(found, store, json, locations.best()));
	}

	/** From a resume point: the same epoch, after the batches its totals count. */
	private static Optional<TrainingRun.Resume> within(Checkpoint point, CheckpointStore store, JsonMapper json,
			String best) {
		return store.metadata(point)
			.map(metadata -> new TrainingRun.Resume(metadata.epoch(),
					json.convertValue(metadata.metrics(), EpochTotals.class), null,
					new StoredResume(point, store, true, json, best)));
	}

	/** From an epoch checkpoint: the next epoch, from its first batch. */
	private static Optional<TrainingRun.Resume> after(Checkpoint last, CheckpointStore store, JsonMapper json,
			String best) {
		return store.metadata(last)
			.map(metadata -> new TrainingRun.Resume(metadata.epoch() + 1, EpochTotals.NONE,
					json.convertValue(metadata.metrics(), EpochResult.class),
					new StoredResume(last, store, false, json, best)));
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
		restoring(() -> store.loadParameters(checkpoint, model.getBlock(), model.getNDManager()));
	}

	@Override
	public void restoreOptimizer(PyTorchAdam optimizer, Model model) {
		restoring(() -> {
			if (!store.loadOptimizer(checkpoint,
					in -> optimizer.load(model.getBlock().getParameters(), in, model.getNDManager()))) {
				log.warn("Job {}: its checkpoint has no optimizer state, so Adam's moments start again from zero",
						checkpoint.jobId());
			}
		});
	}

	/**
	 * The best epoch on validation that the job's record points to. One that cannot be read fails the job, as an
	 * epoch checkpoint would: ending on another epoch would break the promise of the best.
	 */
	@Override
	public Optional<TrainingRun.BestSoFar> best() {
		if (best == null) {
			return Optional.empty();
		}
		String jobId = checkpoint.jobId();
		return Optional.of(store.at(jobId, best)
			.orElseThrow(() -> new IllegalStateException("The best epoch of job " + jobId + " is not in the store")))
			.map(kept -> new TrainingRun.BestSoFar(
					json.convertValue(store.metadata(kept)
						.orElseThrow(() -> new IllegalStateException("The best epoch of job " + checkpoint.jobId()
								+ " is kept but its metadata cannot be read"))
						.metrics(), EpochResult.class),
					store.parameterBytes(kept)));
	}

	/** A resume point that fails to load is given up for the last epoch; an epoch checkpoint's failure is the job's. */
	private void restoring(Runnable load) {
		try {
			load.run();
		}
		catch (RuntimeException ex) {
			if (!resumePoint) {
				throw ex;
			}
			throw new UnreadableResumePoint(ex);
		}
	}

	/** The resume point saved within an epoch is there, but cannot be loaded. */
	static final class UnreadableResumePoint extends RuntimeException {

		UnreadableResumePoint(RuntimeException cause) {
			super(cause.getMessage(), cause);
		}

	}

}
