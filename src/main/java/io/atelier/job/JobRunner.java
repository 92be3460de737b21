package io.atelier.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.atelier.dataset.DatasetRegistry;
import io.atelier.dataset.DatasetUnavailableException;
import io.atelier.dataset.LabeledDataset;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.CheckpointStore;
import io.atelier.store.StoredModel;
import io.atelier.store.StateWriter;
import io.atelier.store.StoreException;
import io.atelier.training.EpochResult;
import io.atelier.training.EpochTotals;
import io.atelier.training.Evaluation;
import io.atelier.training.PyTorchAdam;
import io.atelier.training.TrainingRun;
import io.atelier.training.TrainingSpec;
import lombok.RequiredArgsConstructor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Trains one job to its end and records how it ended: every epoch checkpointed and written to the
 * database as it finishes, then the final model and evaluation, or the reason it stopped.
 */
@Component
@RequiredArgsConstructor
class JobRunner {

	private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final JobRepository jobs;

	private final DatasetRegistry datasets;

	private final CheckpointStore store;

	private final JsonMapper json;

	private final JobCompletion completion;

	private final JobMetrics metrics;

	private final JobEvents events;

	private final JobLeases leases;

	/**
	 * Trains a claimed job, continuing from what an earlier attempt left on the volume. A job stopped by
	 * shutdown is handed back to the queue, for another worker or the next start; a job whose lease was
	 * lost belongs to another worker, and this attempt writes nothing more of it.
	 */
	void train(Claim claim, LiveJob progress, BooleanSupplier stop) {
		Lease lease = claim.lease();
		String id = lease.jobId();
		Hyperparameters hyperparameters = claim.job().hyperparameters();
		metrics.started(id);
		try {
			LabeledDataset dataset = datasets.get(hyperparameters.dataset());
			Recorder recorder = new Recorder(lease, hyperparameters, dataset, progress);
			// What earlier attempts left half-written or never committed; no other worker writes this job while
			// the lease is ours.
			ResumeLocations locations = jobs.resumeLocations(id);
			store.removeIncomplete(id);
			store.removeUncommitted(id, locations.checkpoint(), locations.resumePoint(), locations.best());
			TrainingRun.Resume resume = StoredResume.latest(id, locations, store, json).orElse(null);
			if (claim.resumed()) {
				recordResumption(claim, resume);
			}
			if (resume != null && resume.previous() != null) {
				// The checkpoint may hold an epoch the database missed, if the crash came between the two.
				fenced(jobs.addEpochIfMissing(lease, resume.previous()));
			}
			Evaluation evaluation = run(claim, dataset, recorder, stop, resume, locations);
			if (completion.succeeded(lease, evaluation, recorder.finalModel())) {
				store.prune(id, recorder.finalModel().checkpoint());
			}
		}
		catch (TrainingRun.CancelledException ex) {
			if (progress.leaseLost()) {
				log.warn("Job {}: attempt {} stopped {}, having lost its lease", id, lease.attempt(), ex.where());
			}
			else if (progress.cancelRequested()) {
				completion.cancelled(lease, "Cancelled " + ex.where() + ". " + kept(id));
			}
			else if (jobs.release(lease)) {
				log.info("Job {} stopped by shutdown {}; it is queued again to resume from there", id, ex.where());
			}
		}
		catch (LeaseLostException ex) {
			log.warn("Job {}: attempt {} lost its lease {}; another worker has the job", id, lease.attempt(),
					ex.getMessage());
		}
		catch (DatasetUnavailableException | StoreException | TrainingRun.DivergedException ex) {
			log.warn("Job {} failed: {}", id, ex.getMessage());
			completion.failed(lease, ex.getMessage());
		}
		catch (RuntimeException | Error ex) {
			log.error("Job {} failed", id, ex);
			completion.failed(lease, "Training failed: " + ex);
		}
	}

	/** Runs from where the job stopped; a resume point that cannot be loaded gives way to the last epoch. */
	private Evaluation run(Claim claim, LabeledDataset dataset, Recorder recorder, BooleanSupplier stop,
			TrainingRun.Resume resume, ResumeLocations locations) {
		TrainingSpec spec = claim.job().hyperparameters().spec();
		try {
			return new TrainingRun(spec, dataset, recorder, stop, resume).run();
		}
		catch (StoredResume.UnreadableResumePoint ex) {
			String id = claim.lease().jobId();
			TrainingRun.Resume fallback = StoredResume.afterLastEpoch(id, locations, store, json).orElse(null);
			String reason = "Its resume point could not be read (" + ex.getMessage() + "); "
					+ (fallback == null ? "restarted from the beginning: no epoch had finished"
							: StoredResume.describe(fallback)) + " instead.";
			log.warn("Job {}: {}", id, reason);
			fenced(jobs.addResumption(claim.lease(), new Resumption(Instant.now().truncatedTo(ChronoUnit.MICROS),
					fallback == null ? 1 : fallback.epoch(), 0, reason, claim.job().worker())));
			return new TrainingRun(spec, dataset, recorder, stop, fallback).run();
		}
	}

	private void recordResumption(Claim claim, TrainingRun.Resume resume) {
		String cause = claim.abandoned()
				? "Worker " + claim.previousWorker() + " stopped renewing its lease (killed, paused or cut off)"
				: "Worker " + claim.previousWorker() + " stopped (shutdown) while this job was running";
		String where = resume == null ? "restarted from the beginning: no epoch had finished"
				: StoredResume.describe(resume);
		String reason = cause + "; " + where + " on worker " + claim.job().worker() + ".";
		fenced(jobs.addResumption(claim.lease(), new Resumption(Instant.now().truncatedTo(ChronoUnit.MICROS),
				resume == null ? 1 : resume.epoch(), resume == null ? 0 : resume.batch(), reason, claim.job().worker())));
		log.info("Job {}: {}", claim.lease().jobId(), reason);
	}

	/** Stops the attempt if the database refused its write: another worker holds the job now. */
	private static void fenced(boolean written) {
		if (!written) {
			throw new LeaseLostException("(the database refused its write)");
		}
	}

	private String kept(String id) {
		List<Checkpoint> checkpoints = store.list(id);
		return checkpoints.isEmpty() ? "No epoch had finished, so there is no checkpoint."
				: "The checkpoint of epoch " + checkpoints.get(checkpoints.size() - 1).epoch() + " is kept.";
	}

	/**
	 * The images the model takes. Serving may invert light-bordered images for models of IDX datasets,
	 * whose images are light on dark, but takes images as they come for models of image folders.
	 */
	static CheckpointMetadata.Input input(LabeledDataset dataset) {
		return new CheckpointMetadata.Input(dataset.train().channels(), dataset.train().rows(), dataset.train().cols(),
				dataset.kind() == LabeledDataset.Kind.IDX);
	}

	/** Writes each epoch's checkpoint and record as the run reports them. */
	private final class Recorder implements TrainingRun.Listener {

		private final Lease lease;

		private final String id;

		private final Hyperparameters hyperparameters;

		private final LabeledDataset dataset;

		private final LiveJob progress;

		private StoredModel finalModel;

		Recorder(Lease lease, Hyperparameters hyperparameters, LabeledDataset dataset, LiveJob progress) {
			this.lease = lease;
			this.id = lease.jobId();
			this.hyperparameters = hyperparameters;
			this.dataset = dataset;
			this.progress = progress;
		}

		@Override
		public void batchFinished(int epoch, int batch, int batchesPerEpoch, long nanos) {
			progress.batchFinished(epoch, batch, batchesPerEpoch);
			metrics.batch(nanos);
			Progress now = progress.progress();
			metrics.progress(id, epoch, now.fraction());
			events.progress(id, now);
		}

		@Override
		public void bestEpoch(EpochResult result, TrainingRun.Snapshot snapshot) {
			requireLease();
			Checkpoint best = store.saveBest(id, lease.attempt(), snapshot.model().getBlock(),
					metadata(result.epoch(), json.convertValue(result, MAP)));
			fenced(jobs.pointToBest(lease, best.location()));
			store.pruneBest(id, best);
		}

		@Override
		public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
			requireLease();
			Checkpoint saved = store.save(id, lease.attempt(), snapshot.model().getBlock(), optimizerState(snapshot),
					metadata(result.epoch(), json.convertValue(result, MAP)));
			// The pointer first: should the process die before the epoch's row, the next attempt adds it.
			fenced(jobs.pointToCheckpoint(lease, saved.location()));
			fenced(jobs.addEpoch(lease, result));
			store.prune(id, saved);
			metrics.epoch(id, result);
			events.epoch(id, result);
		}

		@Override
		public void interrupted(int epoch, int batch, EpochTotals totals, TrainingRun.Snapshot snapshot) {
			if (progress.cancelRequested() || batch == 0 || progress.leaseLost() || !holdsLease()) {
				return;
			}
			try {
				Checkpoint point = store.saveResumePoint(id, lease.attempt(), snapshot.model().getBlock(),
						optimizerState(snapshot), metadata(epoch, json.convertValue(totals, MAP)));
				if (!jobs.pointToResumePoint(lease, point.location())) {
					log.warn("Job {}: attempt {} lost its lease while saving where it stopped; the point is not kept",
							id, lease.attempt());
				}
			}
			catch (StoreException ex) {
				log.warn("Job {}: could not save where it stopped ({}); it will resume from its last epoch", id,
						ex.getMessage());
			}
		}

		@Override
		public void trainingFinished(EpochResult last, TrainingRun.Snapshot snapshot) {
			requireLease();
			CheckpointMetadata metadata = metadata(last.epoch(), json.convertValue(last, MAP));
			finalModel = new StoredModel(store.saveFinal(id, lease.attempt(), snapshot.model().getBlock(), metadata),
					metadata, StoredModel.Source.TRAINED);
		}

		/** The model the run ended with, which the job's success records in the catalogue. */
		StoredModel finalModel() {
			return finalModel;
		}

		/**
		 * Asks the database, just before a write to the volume, whether this attempt still holds the job:
		 * the heartbeat may not yet have noticed that a pause cost it the lease.
		 */
		private boolean holdsLease() {
			if (!leases.renew(lease, progress.position()).held()) {
				progress.loseLease();
			}
			return !progress.leaseLost();
		}

		private void requireLease() {
			if (!holdsLease()) {
				throw new LeaseLostException("before writing a checkpoint");
			}
		}

		private StateWriter optimizerState(TrainingRun.Snapshot snapshot) {
			PyTorchAdam adam = snapshot.adam();
			return adam == null ? null : out -> adam.save(snapshot.model().getBlock().getParameters(), out);
		}

		private CheckpointMetadata metadata(int epoch, Map<String, Object> metrics) {
			return new CheckpointMetadata(id, epoch, hyperparameters.architecture(), dataset.name(),
					dataset.classNames(), input(dataset),
					json.convertValue(hyperparameters, MAP), metrics, Instant.now());
		}

	}

}
