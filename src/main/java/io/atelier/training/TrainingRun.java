package io.atelier.training;

import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.atelier.dataset.ImageSet;
import io.atelier.dataset.LabeledDataset;
import io.atelier.network.Architecture;
import lombok.RequiredArgsConstructor;

/**
 * One job's training: our own epoch loop rather than {@code EasyTrain.fit}, so that cancellation is
 * seen within one batch and every batch's native memory is freed as soon as the batch is done. A run
 * may start where an earlier one stopped: the data order of an epoch depends only on the seed and
 * the epoch, so restoring parameters, optimizer state and the epoch's totals continues it exactly.
 */
@RequiredArgsConstructor
public final class TrainingRun {

	/**
	 * DJL's PyTorch gradient collector is process-wide: two collecting at once is an error, so jobs
	 * running side by side take turns for the forward and backward pass.
	 */
	private static final ReentrantLock GRADIENT_COLLECTION = new ReentrantLock();

	private final TrainingSpec spec;

	private final LabeledDataset dataset;

	private final Listener listener;

	private final BooleanSupplier cancelled;

	/** Where an earlier run stopped, or {@code null} to start from scratch. */
	private final Resume resume;

	/**
	 * The factor of the learning rate the current epoch trains at; DJL's SGD reads it through its
	 * tracker, Adam is told directly.
	 */
	private volatile double rateFactor = 1;

	/**
	 * Trains every epoch; returns the test-set evaluation of the final model (the last epoch's, or with
	 * validation the best epoch's on validation), or throws {@link CancelledException}.
	 */
	public Evaluation run() {
		ImageSet train = trainingImages();
		ImageSet validation = null;
		if (spec.validationFraction() > 0) {
			ValidationSplit split = ValidationSplit.of(train, spec.validationFraction(), spec.seed());
			train = split.train();
			validation = split.validation();
		}
		Architecture architecture = Architecture.byId(spec.architecture()).orElseThrow();
		Shape inputShape = new Shape(1, train.channels(), train.rows(), train.cols());
		Optimizer optimizer = optimizer();
		try (Model model = architecture.newModel(dataset.classes(), inputShape, spec.seed())) {
			if (resume != null) {
				resume.state().restoreParameters(model);
				requireGradients(model);
			}
			try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
				.optOptimizer(optimizer))) {
				skipZeroGradientCheck(trainer);
				if (resume != null && optimizer instanceof PyTorchAdam adam) {
					resume.state().restoreOptimizer(adam, model);
				}
				return train(model, trainer, optimizer, train, validation);
			}
		}
	}

	private Evaluation train(Model model, Trainer trainer, Optimizer optimizer, ImageSet train, ImageSet validation) {
		// Grad mode is thread-local in libtorch and on by default; evaluation must not record graphs.
		JniUtils.setGradMode(false);
		PyTorchAdam adam = optimizer instanceof PyTorchAdam pyTorchAdam ? pyTorchAdam : null;
		Snapshot snapshot = new Snapshot(model, adam);
		TestEvaluator evaluator = new TestEvaluator(dataset.test(), dataset.classNames());
		TestEvaluator validator = validation == null ? null : new TestEvaluator(validation, dataset.classNames());
		BatchSource batches = new BatchSource(train, spec.batchSize());
		BatchAugmenter augmenter = spec.augmentation() == Augmentation.FLIP_CROP
				? new BatchAugmenter(train.channels(), train.rows(), train.cols(), spec.seed()) : null;
		int firstEpoch = resume == null ? 1 : resume.epoch();
		TestEvaluator.Result last = null;
		EpochResult result = resume == null ? null : resume.previous();
		BestEpoch best = validation == null ? null
				: new BestEpoch(resume == null ? null : resume.state().best().orElse(null));
		for (int epoch = firstEpoch; epoch <= spec.epochs(); epoch++) {
			boolean resumed = resume != null && epoch == firstEpoch;
			rateFactor = spec.schedule().factor(epoch, spec.epochs());
			if (adam != null) {
				adam.scaleLearningRate(rateFactor);
			}
			EpochTotals totals = trainEpoch(trainer, batches, augmenter, train.count(), epoch,
					resumed ? resume.batch() : 0, resumed ? resume.totals() : EpochTotals.NONE, snapshot);
			long evaluationStart = System.nanoTime();
			last = evaluator.evaluate(trainer);
			double evaluationSeconds = (System.nanoTime() - evaluationStart) / 1e9;
			TestEvaluator.Result validated = validator == null ? null : validator.evaluate(trainer);
			result = new EpochResult(epoch, totals.meanLoss(), totals.accuracy(), last.loss(),
					last.evaluation().accuracy(), totals.seconds(), evaluationSeconds, totals.imagesPerSecond(),
					validated == null ? null : validated.loss(),
					validated == null ? null : validated.evaluation().accuracy());
			if (!Double.isFinite(result.trainLoss()) || !Double.isFinite(result.testLoss())) {
				// Parameters that give NaN are no model: nothing is saved, the run ends here.
				throw new DivergedException(epoch, result.trainLoss(), result.testLoss());
			}
			// The best is kept before the epoch's checkpoint: a run resumed after that checkpoint must find it.
			if (best != null && best.consider(result, model, last)) {
				listener.bestEpoch(result, snapshot);
			}
			listener.epochFinished(result, snapshot);
		}
		if (best != null && best.result != null) {
			best.restore(model);
			result = best.result;
			last = best.test;
		}
		if (last == null) {
			// Stopped after its last epoch's checkpoint but before its end was recorded, or the best epoch
			// came from before a restart: its test evaluation is made again, with its parameters.
			last = evaluator.evaluate(trainer);
		}
		listener.trainingFinished(result, snapshot);
		return last.evaluation();
	}

	private EpochTotals trainEpoch(Trainer trainer, BatchSource batches, BatchAugmenter augmenter, int count,
			int epoch, int firstBatch, EpochTotals sofar, Snapshot snapshot) {
		int[] order = BatchSource.order(count, spec.shuffle(), spec.seed(), epoch);
		EpochTotals totals = sofar;
		long epochStart = System.nanoTime();
		for (int index = firstBatch; index < batches.batches(); index++) {
			if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
				listener.interrupted(epoch, index, totals.plusSeconds((System.nanoTime() - epochStart) / 1e9), snapshot);
				throw new CancelledException(epoch, index);
			}
			long start = System.nanoTime();
			try (Batch batch = batches.batch(trainer.getManager().newSubManager(), order, index, augmenter,
					epoch)) {
				totals = trainBatch(trainer, batch, totals, dropoutSeed(epoch, index));
			}
			listener.batchFinished(epoch, index + 1, batches.batches(), System.nanoTime() - start);
		}
		return totals.plusSeconds((System.nanoTime() - epochStart) / 1e9);
	}

	/**
	 * Dropout draws from libtorch's process-wide generator. Seeding it from the job's seed, the epoch
	 * and the batch, while holding the lock every training forward pass takes, makes a batch's masks
	 * independent of what ran before, so a resumed run drops the same units. The seed network has no
	 * dropout and is left as it always ran.
	 */
	private long dropoutSeed(int epoch, int batch) {
		return Architecture.SEED_CNN.id().equals(spec.architecture()) ? -1
				: (spec.seed() * 1_000_003L + epoch) * 1_000_033L + batch;
	}

	private static EpochTotals trainBatch(Trainer trainer, Batch batch, EpochTotals totals, long dropoutSeed) {
		NDArray logits;
		NDArray loss;
		GRADIENT_COLLECTION.lock();
		try (GradientCollector collector = trainer.newGradientCollector()) {
			if (dropoutSeed >= 0) {
				JniUtils.setSeed(dropoutSeed);
			}
			logits = trainer.forward(batch.getData()).singletonOrThrow();
			loss = trainer.getLoss().evaluate(batch.getLabels(), new NDList(logits));
			collector.backward(loss);
		}
		finally {
			GRADIENT_COLLECTION.unlock();
		}
		trainer.step();
		long correct = logits.argMax(1).eq(batch.getLabels().head()).countNonzero().getLong();
		return totals.add(loss.getFloat(), correct, batch.getSize());
	}

	/**
	 * Before its first step DJL's trainer refuses gradients that sum to zero, to catch a forgotten
	 * backward pass. Softmax cross-entropy's gradients in the last bias always sum to zero, so a network
	 * whose units have all died (a run resumed at a high learning rate, in CI) failed the check with
	 * right gradients, where PyTorch trains on. This loop always runs backward before the step; DJL has
	 * no switch for the check, so it is marked done.
	 */
	private static void skipZeroGradientCheck(Trainer trainer) {
		try {
			Field checked = Trainer.class.getDeclaredField("gradientsChecked");
			checked.setAccessible(true);
			checked.setBoolean(trainer, true);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("DJL's Trainer no longer has the field this relies on", ex);
		}
	}

	/** Loaded parameters are plain arrays; training needs them to record gradients again. */
	private static void requireGradients(Model model) {
		for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
			if (parameter.getValue().requiresGradient()) {
				parameter.getValue().getArray().setRequiresGradient(true);
			}
		}
	}

	private ImageSet trainingImages() {
		return dataset.train().first(spec.trainLimit());
	}

	private Optimizer optimizer() {
		return switch (spec.optimizer()) {
			case ADAM -> new PyTorchAdam((float) spec.learningRate(), (float) spec.weightDecay());
			case SGD -> Optimizer.sgd()
				.setLearningRateTracker(spec.schedule() == Schedule.CONSTANT ? Tracker.fixed((float) spec.learningRate())
						: (Tracker) update -> (float) (spec.learningRate() * rateFactor))
				.optMomentum((float) spec.momentum())
				.optWeightDecays((float) spec.weightDecay())
				.build();
		};
	}

	/**
	 * The parameters of the best epoch on validation so far, kept in memory in DJL's format: batch
	 * norm's running statistics are parameters too, so they come back with the weights. A resumed run
	 * starts from the best its earlier attempts kept, whose test evaluation is not kept with it.
	 */
	private static final class BestEpoch {

		private EpochResult result;

		private TestEvaluator.Result test;

		private byte[] parameters;

		BestEpoch(BestSoFar earlier) {
			if (earlier != null) {
				result = earlier.result();
				parameters = earlier.parameters();
			}
		}

		/** Keeps the candidate if it is better than the best so far, and says whether it was. */
		boolean consider(EpochResult candidate, Model model, TestEvaluator.Result candidateTest) {
			if (!candidate.betterOnValidationThan(result)) {
				return false;
			}
			result = candidate;
			test = candidateTest;
			java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
			try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
				model.getBlock().saveParameters(out);
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			parameters = bytes.toByteArray();
			return true;
		}

		void restore(Model model) {
			try (java.io.DataInputStream in = new java.io.DataInputStream(
					new java.io.ByteArrayInputStream(parameters))) {
				model.getBlock().loadParameters(model.getNDManager(), in);
			}
			catch (java.io.IOException | ai.djl.MalformedModelException ex) {
				throw new IllegalStateException("The best epoch's parameters could not be restored", ex);
			}
		}

	}

	/** The model as it stands, and the optimizer whose state can be saved with it (Adam's; else none). */
	public record Snapshot(Model model, PyTorchAdam adam) {
	}

	/**
	 * Where a run starts when it continues an earlier one.
	 *
	 * @param epoch the epoch to continue, 1-based
	 * @param totals what that epoch's batches already trained summed to; their count is where it resumes
	 * @param previous the last finished epoch, reported again if the run resumes after all of them
	 * @param state restores the earlier run's parameters and optimizer
	 */
	public record Resume(int epoch, EpochTotals totals, EpochResult previous, State state) {

		public int batch() {
			return totals.batches();
		}

	}

	/**
	 * The best epoch on validation of an earlier attempt, with its parameters in DJL's format.
	 *
	 * @param result the epoch as it was reported
	 * @param parameters as {@code Block.saveParameters} wrote them
	 */
	public record BestSoFar(EpochResult result, byte[] parameters) {
	}

	/** An earlier run's state, wherever it was kept. */
	public interface State {

		void restoreParameters(Model model);

		void restoreOptimizer(PyTorchAdam optimizer, Model model);

		/** The best epoch on validation the earlier run kept; empty without validation or before any epoch. */
		Optional<BestSoFar> best();

	}

	/** What a run reports while it goes. */
	public interface Listener {

		/** @param nanos how long the batch took, from building it to the optimizer step */
		void batchFinished(int epoch, int batch, int batchesPerEpoch, long nanos);

		/**
		 * Called with validation when an epoch is the best so far, before {@link #epochFinished}, with the
		 * model as it stands: kept, it lets a resumed run end on this epoch's parameters.
		 */
		void bestEpoch(EpochResult result, Snapshot snapshot);

		/** Called after each epoch with the model as it stands, for a checkpoint. */
		void epochFinished(EpochResult result, Snapshot snapshot);

		/** Called when the run stops before {@code batch} of {@code epoch}, before it unwinds. */
		void interrupted(int epoch, int batch, EpochTotals totals, Snapshot snapshot);

		/** Called once after the last epoch, for the final model. */
		void trainingFinished(EpochResult last, Snapshot snapshot);

	}

	/** The loss stopped being a number: the parameters have blown up. */
	public static final class DivergedException extends RuntimeException {

		DivergedException(int epoch, double trainLoss, double testLoss) {
			super("Training diverged in epoch " + epoch + ": the train loss is " + trainLoss + " and the test loss "
					+ testLoss + ". Nothing of this epoch was saved; a lower learning rate may help.");
		}

	}

	/** The run stopped because it was asked to, at the start of {@code batch} of {@code epoch}. */
	public static final class CancelledException extends RuntimeException {

		private final int epoch;

		private final int batch;

		CancelledException(int epoch, int batch) {
			super("stopped in epoch " + epoch + " before batch " + (batch + 1), null, false, false);
			this.epoch = epoch;
			this.batch = batch;
		}

		/** Where it stopped, in words a user reads. */
		public String where() {
			return "in epoch " + epoch + " after " + batch + " batches";
		}

	}

}
