package io.atelier.training;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import io.atelier.dataset.IdxFixtures;
import io.atelier.dataset.LabeledDataset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingRunTests {

	private static final LabeledDataset SYNTHETIC = IdxFixtures.dataset(1000, 200);

	@Test
	void learnsAndReportsEveryEpoch() {
		Recording recording = new Recording();
		Evaluation evaluation = new TrainingRun(spec(3, 50), SYNTHETIC, recording, () -> false, null).run();
		assertThat(recording.epochs).extracting(EpochResult::epoch).containsExactly(1, 2, 3);
		EpochResult last = recording.epochs.get(2);
		assertThat(last.testAccuracy()).isGreaterThan(0.9);
		assertThat(last.trainLoss()).isLessThan(recording.epochs.get(0).trainLoss());
		assertThat(last.seconds()).isPositive();
		assertThat(last.samplesPerSecond()).isCloseTo(1000 / last.seconds(), org.assertj.core.data.Percentage.withPercentage(1));
		assertThat(recording.batches.get()).isEqualTo(3 * 20);
		assertThat(recording.finished).isTrue();
		assertThat(evaluation.accuracy()).isEqualTo(last.testAccuracy());
		assertThat(evaluation.perClass()).hasSize(10);
		assertThat(java.util.Arrays.stream(evaluation.confusionMatrix()).flatMapToInt(java.util.Arrays::stream).sum())
			.isEqualTo(200);
	}

	@Test
	void stopsAtTheNextBatchOnceCancelled() {
		AtomicBoolean cancelled = new AtomicBoolean();
		Recording recording = new Recording() {
			@Override
			public void batchFinished(int epoch, int batch, int batchesPerEpoch, long nanos) {
				super.batchFinished(epoch, batch, batchesPerEpoch, nanos);
				if (epoch == 2 && batch == 3) {
					cancelled.set(true);
				}
			}
		};
		TrainingRun run = new TrainingRun(spec(5, 50), SYNTHETIC, recording, cancelled::get, null);
		assertThatThrownBy(run::run).isInstanceOfSatisfying(TrainingRun.CancelledException.class,
				ex -> assertThat(ex.where()).isEqualTo("in epoch 2 after 3 batches"));
		assertThat(recording.batches.get()).isEqualTo(20 + 3);
		assertThat(recording.epochs).hasSize(1);
		assertThat(recording.finished).isFalse();
	}

	@Test
	void aRunStoppedWithinAnEpochAndResumedEndsExactlyAsAnUninterruptedOne() {
		Recording whole = new Recording();
		Evaluation uninterrupted = new TrainingRun(spec(3, 50), SYNTHETIC, whole, () -> false, null).run();

		Saved saved = stoppedAfter(spec(3, 50), SYNTHETIC, 2, 7);
		assertThat(saved.resume.batch()).isEqualTo(7);

		Recording second = new Recording();
		Evaluation resumed = new TrainingRun(spec(3, 50), SYNTHETIC, second, () -> false, saved.resume).run();
		assertThat(second.epochs).extracting(EpochResult::epoch).containsExactly(2, 3);
		for (int i = 0; i < 2; i++) {
			EpochResult expected = whole.epochs.get(i + 1);
			EpochResult actual = second.epochs.get(i);
			assertThat(actual.trainLoss()).as("train loss, epoch %d", actual.epoch())
				.isCloseTo(expected.trainLoss(), org.assertj.core.data.Offset.offset(1e-6));
			assertThat(actual.trainAccuracy()).isEqualTo(expected.trainAccuracy());
			assertThat(actual.testLoss()).isCloseTo(expected.testLoss(), org.assertj.core.data.Offset.offset(1e-6));
		}
		assertThat(resumed.confusionMatrix()).isDeepEqualTo(uninterrupted.confusionMatrix());
	}

	@Test
	void freesEveryBatchAndEverythingAtTheEnd() {
		new TrainingRun(spec(1, 100), SYNTHETIC, new Recording(), () -> false, null).run();
		int before = engineArrays();
		List<Integer> arraysAfterEachEpoch = new ArrayList<>();
		Recording recording = new Recording() {
			@Override
			public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
				super.epochFinished(result, snapshot);
				arraysAfterEachEpoch.add(snapshot.model().getNDManager().getManagedArrays().size());
			}
		};
		new TrainingRun(spec(4, 100), SYNTHETIC, recording, () -> false, null).run();
		assertThat(arraysAfterEachEpoch).hasSize(4).allMatch(count -> count.equals(arraysAfterEachEpoch.get(0)));
		assertThat(engineArrays()).isEqualTo(before);
	}

	@Test
	void jobsTrainSideBySideDespiteTheProcessWideGradientCollector() throws Exception {
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			List<java.util.concurrent.Future<Evaluation>> runs = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				runs.add(pool.submit(() -> new TrainingRun(spec(2, 50), SYNTHETIC, new Recording(), () -> false, null)
					.run()));
			}
			for (java.util.concurrent.Future<Evaluation> run : runs) {
				assertThat(run.get().accuracy()).isGreaterThan(0.9);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void trainsWithSgdAndMomentum() {
		TrainingSpec sgd = new TrainingSpec("seed-cnn", 4, 20, 0.01, OptimizerKind.SGD, 0.9, 1, true, TrainingSpec.ALL);
		Recording recording = new Recording();
		new TrainingRun(sgd, SYNTHETIC, recording, () -> false, null).run();
		assertThat(recording.epochs.get(3).trainLoss()).isLessThan(recording.epochs.get(0).trainLoss());
		assertThat(recording.epochs.get(3).testAccuracy()).isGreaterThan(0.5);
	}

	/**
	 * Runs {@code spec} until batch {@code batch} of epoch {@code epoch} has finished, then stops it as a
	 * cancel does, and answers the state it left: its resume point and its best epoch so far.
	 */
	static Saved stoppedAfter(TrainingSpec spec, LabeledDataset dataset, int epoch, int batch) {
		AtomicBoolean stop = new AtomicBoolean();
		Saved saved = new Saved();
		Recording stopping = new Recording() {
			@Override
			public void bestEpoch(EpochResult result, TrainingRun.Snapshot snapshot) {
				saved.captureBest(result, snapshot);
			}

			@Override
			public void batchFinished(int finishedEpoch, int finishedBatch, int batchesPerEpoch, long nanos) {
				stop.set(finishedEpoch == epoch && finishedBatch == batch);
			}

			@Override
			public void interrupted(int stoppedEpoch, int stoppedBatch, EpochTotals totals,
					TrainingRun.Snapshot snapshot) {
				saved.capture(stoppedEpoch, totals, snapshot);
			}
		};
		assertThatThrownBy(() -> new TrainingRun(spec, dataset, stopping, stop::get, null).run())
			.isInstanceOf(TrainingRun.CancelledException.class);
		return saved;
	}

	/**
	 * A network whose units have all died has gradients only in the last layer's bias, and for softmax
	 * cross-entropy those sum to zero. DJL's trainer refuses a first step whose gradients sum to zero
	 * (meant to catch a forgotten backward pass); PyTorch trains on, and so must a job resumed in that
	 * state. Here every parameter is zero and the last bias makes the softmax exactly one class, with
	 * batches of 64, so that the sum is exactly zero rather than a rounding error away from it.
	 */
	@Test
	void aResumedNetworkWhoseGradientsSumToZeroStillTrains() {
		TrainingRun.State dead = new TrainingRun.State() {

			@Override
			public void restoreParameters(Model model) {
				model.getBlock().getParameters().forEach(named -> {
					named.getValue().getArray().muli(0);
					if (named.getKey().equals("12Linear_bias")) {
						named.getValue().getArray().set(new ai.djl.ndarray.index.NDIndex(0), 1000);
					}
				});
			}

			@Override
			public void restoreOptimizer(PyTorchAdam optimizer, Model model) {
			}

			@Override
			public java.util.Optional<TrainingRun.BestSoFar> best() {
				return java.util.Optional.empty();
			}

		};
		Recording recording = new Recording();
		new TrainingRun(spec(3, 64), SYNTHETIC, recording, () -> false,
				new TrainingRun.Resume(2, EpochTotals.NONE, null, dead)).run();
		assertThat(recording.epochs).extracting(EpochResult::epoch).containsExactly(2, 3);
		assertThat(recording.finished).isTrue();
	}

	/** An interrupted run's state kept in memory, as the store keeps it on the volume. */
	static final class Saved implements TrainingRun.State {

		TrainingRun.Resume resume;

		byte[] parameters;

		byte[] optimizer;

		TrainingRun.BestSoFar best;

		void capture(int epoch, EpochTotals totals, TrainingRun.Snapshot snapshot) {
			resume = new TrainingRun.Resume(epoch, totals, null, this);
			try {
				java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
				snapshot.model().getBlock().saveParameters(new java.io.DataOutputStream(bytes));
				parameters = bytes.toByteArray();
				bytes.reset();
				java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
				snapshot.adam().save(snapshot.model().getBlock().getParameters(), out);
				out.flush();
				optimizer = bytes.toByteArray();
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}

		@Override
		public void restoreParameters(Model model) {
			try {
				model.getBlock().loadParameters(model.getNDManager(),
						new java.io.DataInputStream(new java.io.ByteArrayInputStream(parameters)));
			}
			catch (java.io.IOException | ai.djl.MalformedModelException ex) {
				throw new IllegalStateException(ex);
			}
		}

		void captureBest(EpochResult result, TrainingRun.Snapshot snapshot) {
			java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
			try {
				snapshot.model().getBlock().saveParameters(new java.io.DataOutputStream(bytes));
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			best = new TrainingRun.BestSoFar(result, bytes.toByteArray());
		}

		@Override
		public java.util.Optional<TrainingRun.BestSoFar> best() {
			return java.util.Optional.ofNullable(best);
		}

		@Override
		public void restoreOptimizer(PyTorchAdam adam, Model model) {
			try {
				adam.load(model.getBlock().getParameters(),
						new java.io.DataInputStream(new java.io.ByteArrayInputStream(optimizer)), model.getNDManager());
			}
			catch (java.io.IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}

	}

	/** Every array the engine holds: all managers descend from its system manager. */
	private static int engineArrays() {
		try (NDManager probe = NDManager.newBaseManager()) {
			return probe.getParentManager().getManagedArrays().size();
		}
	}

	private static TrainingSpec spec(int epochs, int batchSize) {
		return new TrainingSpec("seed-cnn", epochs, batchSize, 0.01, OptimizerKind.ADAM, 0, 3, true, TrainingSpec.ALL);
	}

	static class Recording implements TrainingRun.Listener {

		final AtomicInteger batches = new AtomicInteger();

		final List<EpochResult> epochs = new ArrayList<>();

		final List<EpochResult> bests = new ArrayList<>();

		boolean finished;

		@Override
		public void batchFinished(int epoch, int batch, int batchesPerEpoch, long nanos) {
			batches.incrementAndGet();
		}

		@Override
		public void bestEpoch(EpochResult result, TrainingRun.Snapshot snapshot) {
			bests.add(result);
		}

		@Override
		public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
			epochs.add(result);
		}

		@Override
		public void interrupted(int epoch, int batch, EpochTotals totals, TrainingRun.Snapshot snapshot) {
		}

		@Override
		public void trainingFinished(EpochResult last, TrainingRun.Snapshot snapshot) {
			finished = true;
		}

	}

}
