package io.atelier.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.atelier.dataset.DatasetRegistry;
import io.atelier.dataset.DatasetUnavailableException;
import io.atelier.dataset.LabeledDataset;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.CheckpointStore;
import io.atelier.store.StateWriter;
import io.atelier.store.StoreException;
import io.atelier.training.EpochResult;
import io.atelier.training.EpochTotals;
import io.atelier.training.Evaluation;
import io.atelier.training.PyTorchAdam;
import io.atelier.training.TrainingRun;
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

	JobRunner(JobRepository jobs, DatasetRegistry datasets, CheckpointStore store, JsonMapper json,
			JobCompletion completion, JobMetrics metrics, JobEvents events) {
		this.jobs = jobs;
		this.datasets = datasets;
		this.store = store;
		this.json = json;
		this.completion = completion;
		this.metrics = metrics;
		this.events = events;
	}

	/**
	 * Trains a job, continuing from what an earlier, interrupted attempt left on the volume. A job
	 * stopped by shutdown stays RUNNING in the database, for the next start to resume it.
	 */
	void train(String id, Hyperparameters hyperparameters, LiveJob progress, BooleanSupplier cancelled) {
		metrics.started(id);
		try {
			LabeledDataset dataset = datasets.get(hyperparameters.dataset());
			Recorder recorder = new Recorder(id, hyperparameters, dataset, progress);
			TrainingRun.Resume resume = StoredResume.latest(id, store, json).orElse(null);
			if (resume != null && resume.previous() != null) {
				// The checkpoint may hold an epoch the database missed, if the crash came between the two.
				jobs.addEpochIfMissing(id, resume.previous());
			}
			Evaluation evaluation = new TrainingRun(hyperparameters.spec(), dataset, recorder, cancelled, resume).run();
			completion.succeeded(id, evaluation);
		}
		catch (TrainingRun.CancelledException ex) {
			if (progress.cancelRequested()) {
				completion.cancelled(id, "Cancelled " + ex.where() + ". " + kept(id));
			}
			else {
				log.info("Job {} stopped by shutdown {}; it resumes from there on the next start", id, ex.where());
			}
		}
		catch (DatasetUnavailableException | StoreException | TrainingRun.DivergedException ex) {
			log.warn("Job {} failed: {}", id, ex.getMessage());
			completion.failed(id, ex.getMessage());
		}
		catch (RuntimeException | Error ex) {
			log.error("Job {} failed", id, ex);
			completion.failed(id, "Training failed: " + ex);
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

		private final String id;

		private final Hyperparameters hyperparameters;

		private final LabeledDataset dataset;

		private final LiveJob progress;

		Recorder(String id, Hyperparameters hyperparameters, LabeledDataset dataset, LiveJob progress) {
			this.id = id;
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
		public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
			store.save(id, snapshot.model().getBlock(), optimizerState(snapshot),
					metadata(result.epoch(), json.convertValue(result, MAP)));
			jobs.addEpoch(id, result);
			metrics.epoch(id, result);
			events.epoch(id, result);
		}

		@Override
		public void interrupted(int epoch, int batch, EpochTotals totals, TrainingRun.Snapshot snapshot) {
			if (progress.cancelRequested() || batch == 0) {
				return;
			}
			try {
				store.saveResumePoint(id, snapshot.model().getBlock(), optimizerState(snapshot),
						metadata(epoch, json.convertValue(totals, MAP)));
			}
			catch (StoreException ex) {
				log.warn("Job {}: could not save where it stopped ({}); it will resume from its last epoch", id,
						ex.getMessage());
			}
		}

		@Override
		public void trainingFinished(EpochResult last, TrainingRun.Snapshot snapshot) {
			store.saveFinal(id, snapshot.model().getBlock(), metadata(last.epoch(), json.convertValue(last, MAP)));
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
