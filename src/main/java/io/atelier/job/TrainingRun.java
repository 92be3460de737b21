package io.atelier.job;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.atelier.dataset.ImageSet;
import io.atelier.dataset.LabeledDataset;
import io.atelier.network.Architecture;

/**
 * One job's training: our own epoch loop rather than {@code EasyTrain.fit}, so that cancellation is
 * seen within one batch and every batch's native memory is freed as soon as the batch is done.
 */
final class TrainingRun {

	/**
	 * DJL's PyTorch gradient collector is process-wide: two collecting at once is an error, so jobs
	 * running side by side take turns for the forward and backward pass.
	 */
	private static final ReentrantLock GRADIENT_COLLECTION = new ReentrantLock();

	private final Hyperparameters hyperparameters;

	private final LabeledDataset dataset;

	private final Listener listener;

	private final BooleanSupplier cancelled;

	TrainingRun(Hyperparameters hyperparameters, LabeledDataset dataset, Listener listener,
			BooleanSupplier cancelled) {
		this.hyperparameters = hyperparameters;
		this.dataset = dataset;
		this.listener = listener;
		this.cancelled = cancelled;
	}

	/** Trains every epoch; returns the final test-set evaluation, or throws {@link CancelledException}. */
	Evaluation run() {
		ImageSet train = trainingImages();
		Architecture architecture = Architecture.byId(hyperparameters.architecture()).orElseThrow();
		Shape inputShape = new Shape(1, 1, train.rows(), train.cols());
		try (Model model = architecture.newModel(dataset.classes(), inputShape, hyperparameters.seed());
				Trainer trainer = model.newTrainer(trainingConfig())) {
			// Grad mode is thread-local in libtorch and on by default; evaluation must not record graphs.
			JniUtils.setGradMode(false);
			TestEvaluator evaluator = new TestEvaluator(dataset.test(), dataset.classes());
			BatchSource batches = new BatchSource(train, hyperparameters.batchSize());
			TestEvaluator.Result last = null;
			EpochResult result = null;
			for (int epoch = 1; epoch <= hyperparameters.epochs(); epoch++) {
				long start = System.nanoTime();
				PassTotals totals = trainEpoch(trainer, batches, train.count(), epoch);
				double seconds = (System.nanoTime() - start) / 1e9;
				long evaluationStart = System.nanoTime();
				last = evaluator.evaluate(trainer);
				double evaluationSeconds = (System.nanoTime() - evaluationStart) / 1e9;
				result = new EpochResult(epoch, totals.lossSum / totals.batches,
						(double) totals.correct / totals.seen, last.loss(), last.accuracy(), seconds,
						evaluationSeconds, totals.seen / seconds);
				listener.epochFinished(result, model);
			}
			listener.trainingFinished(result, model);
			return Evaluation.of(dataset.classNames(), last.confusion());
		}
	}

	private PassTotals trainEpoch(Trainer trainer, BatchSource batches, int count, int epoch) {
		int[] order = BatchSource.order(count, hyperparameters.shuffle(), hyperparameters.seed(), epoch);
		PassTotals totals = new PassTotals();
		for (int index = 0; index < batches.batches(); index++) {
			if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
				throw new CancelledException(epoch, index);
			}
			long start = System.nanoTime();
			try (Batch batch = batches.batch(trainer.getManager().newSubManager(), order, index)) {
				trainBatch(trainer, batch, totals);
			}
			listener.batchFinished(epoch, index + 1, batches.batches(), System.nanoTime() - start);
		}
		return totals;
	}

	private static void trainBatch(Trainer trainer, Batch batch, PassTotals totals) {
		NDArray logits;
		NDArray loss;
		GRADIENT_COLLECTION.lock();
		try (GradientCollector collector = trainer.newGradientCollector()) {
			logits = trainer.forward(batch.getData()).singletonOrThrow();
			loss = trainer.getLoss().evaluate(batch.getLabels(), new NDList(logits));
			collector.backward(loss);
		}
		finally {
			GRADIENT_COLLECTION.unlock();
		}
		trainer.step();
		totals.lossSum += loss.getFloat();
		totals.correct += logits.argMax(1).eq(batch.getLabels().head()).countNonzero().getLong();
		totals.seen += batch.getSize();
		totals.batches++;
	}

	private ImageSet trainingImages() {
		Integer limit = hyperparameters.trainLimit();
		return limit == null ? dataset.train() : dataset.train().first(limit);
	}

	private DefaultTrainingConfig trainingConfig() {
		Tracker rate = Tracker.fixed(hyperparameters.learningRate().floatValue());
		Optimizer optimizer = switch (hyperparameters.optimizer()) {
			case ADAM -> new PyTorchAdam(hyperparameters.learningRate().floatValue());
			case SGD -> Optimizer.sgd()
				.setLearningRateTracker(rate)
				.optMomentum(hyperparameters.momentum().floatValue())
				.build();
		};
		return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
	}

	private static final class PassTotals {

		double lossSum;

		long correct;

		long seen;

		int batches;

	}

	/** What a run reports while it goes. */
	interface Listener {

		/** @param nanos how long the batch took, from building it to the optimizer step */
		void batchFinished(int epoch, int batch, int batchesPerEpoch, long nanos);

		/** Called after each epoch with the model as it stands, for a checkpoint. */
		void epochFinished(EpochResult result, Model model);

		/** Called once after the last epoch, for the final model. */
		void trainingFinished(EpochResult last, Model model);

	}

	/** The run stopped because it was asked to, at the start of {@code batch} of {@code epoch}. */
	static final class CancelledException extends RuntimeException {

		private final int epoch;

		private final int batch;

		CancelledException(int epoch, int batch) {
			super("stopped in epoch " + epoch + " before batch " + (batch + 1), null, false, false);
			this.epoch = epoch;
			this.batch = batch;
		}

		/** Where it stopped, in words a user reads. */
		String where() {
			return "in epoch " + epoch + " after " + batch + " batches";
		}

	}

}
