package io.atelier.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import io.atelier.dataset.IdxFixtures;
import io.atelier.dataset.ImageSet;
import io.atelier.dataset.LabeledDataset;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingOptionsTests {

	private static final LabeledDataset SYNTHETIC = IdxFixtures.dataset(1000, 200);

	/** cnn-bn costs about 20 times the seed network per image: a smaller set keeps its tests short. */
	private static final LabeledDataset SMALL = IdxFixtures.dataset(400, 100);

	@Test
	void cosineAnnealsFromTheFullRateTowardsZeroOncePerEpoch() {
		assertThat(Schedule.COSINE.factor(1, 4)).isEqualTo(1.0);
		assertThat(Schedule.COSINE.factor(2, 4)).isCloseTo((1 + Math.cos(Math.PI / 4)) / 2, Offset.offset(1e-12));
		assertThat(Schedule.COSINE.factor(3, 4)).isCloseTo(0.5, Offset.offset(1e-12));
		assertThat(Schedule.COSINE.factor(4, 4)).isCloseTo((1 + Math.cos(3 * Math.PI / 4)) / 2, Offset.offset(1e-12));
	}

	@Test
	void stepDividesTheRateByTenAfterEachThirdOfTheRun() {
		double[] factors = new double[9];
		for (int epoch = 1; epoch <= 9; epoch++) {
			factors[epoch - 1] = Schedule.STEP.factor(epoch, 9);
		}
		assertThat(factors).containsExactly(new double[] { 1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01 },
				Offset.offset(1e-12));
		assertThat(Schedule.CONSTANT.factor(7, 9)).isEqualTo(1.0);
	}

	@Test
	void adamFollowsTheScheduleEpochByEpoch() {
		List<Float> rates = new ArrayList<>();
		TrainingSpec cosine = spec("seed-cnn", 4, 0, Schedule.COSINE, Augmentation.NONE, 0);
		new TrainingRun(cosine, SYNTHETIC, new TrainingRunTests.Recording() {
			@Override
			public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
				rates.add(snapshot.adam().learningRate());
			}
		}, () -> false, null).run();
		assertThat(rates).hasSize(4);
		for (int epoch = 1; epoch <= 4; epoch++) {
			assertThat(rates.get(epoch - 1)).isCloseTo((float) (0.01 * Schedule.COSINE.factor(epoch, 4)),
					Offset.offset(1e-9f));
		}
	}

	@Test
	void weightDecayShrinksTheWeightsComparedWithNone() {
		double without = weightNorm(spec("seed-cnn", 2, 0, Schedule.CONSTANT, Augmentation.NONE, 0));
		double with = weightNorm(spec("seed-cnn", 2, 0.5, Schedule.CONSTANT, Augmentation.NONE, 0));
		assertThat(with).isLessThan(without * 0.9);
	}

	@Test
	void flipCropChangesTrainingBatchesReproduciblyButNotTheUnaugmentedOnes() {
		ImageSet images = SYNTHETIC.train();
		int[] order = BatchSource.order(images.count(), false, 0, 0);
		BatchSource source = new BatchSource(images, 50);
		BatchAugmenter augmenter = new BatchAugmenter(1, images.rows(), images.cols(), 5);
		try (NDManager manager = NDManager.newBaseManager()) {
			float[] plain = pixels(source.batch(manager.newSubManager(), order, 3));
			float[] augmented = pixels(source.batch(manager.newSubManager(), order, 3, augmenter, 2));
			float[] again = pixels(source.batch(manager.newSubManager(), order, 3, augmenter, 2));
			float[] otherEpoch = pixels(source.batch(manager.newSubManager(), order, 3, augmenter, 3));
			float[] plainAfter = pixels(source.batch(manager.newSubManager(), order, 3));
			assertThat(augmented).isNotEqualTo(plain);
			assertThat(again).isEqualTo(augmented);
			assertThat(otherEpoch).isNotEqualTo(augmented);
			assertThat(plainAfter).isEqualTo(plain);
			// A crop moves pixels, it does not invent values: no pixel is brighter than the batch's brightest.
			assertThat(max(augmented)).isLessThanOrEqualTo(max(plain));
		}
	}

	@Test
	void flipCropFlipsAndShiftsWithZeroPadding() {
		BatchAugmenter augmenter = new BatchAugmenter(1, 2, 3, 0);
		float[] image = { 1, 2, 3, 4, 5, 6 };
		Set<String> seen = new HashSet<>();
		for (int batch = 0; batch < 3000; batch++) {
			float[] copy = image.clone();
			augmenter.augment(copy, 1, 1, batch);
			seen.add(Arrays.toString(copy));
		}
		assertThat(seen).contains(Arrays.toString(image), Arrays.toString(new float[] { 3, 2, 1, 6, 5, 4 }),
				Arrays.toString(new float[] { 2, 3, 0, 5, 6, 0 }), Arrays.toString(new float[] { 0, 0, 0, 1, 2, 3 }));
	}

	@Test
	void augmentationDoesNotReachTheTestEvaluation() {
		TrainingSpec augmented = spec("seed-cnn", 1, 0, Schedule.CONSTANT, Augmentation.FLIP_CROP, 0);
		Model[] kept = new Model[1];
		List<Double> reported = new ArrayList<>();
		List<Double> recomputed = new ArrayList<>();
		new TrainingRun(augmented, SYNTHETIC, new TrainingRunTests.Recording() {
			@Override
			public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
				reported.add(result.testAccuracy());
				kept[0] = snapshot.model();
				recomputed.add(accuracyOnTest(snapshot.model()));
			}
		}, () -> false, null).run();
		assertThat(recomputed).isEqualTo(reported);
	}

	@Test
	void validationIsHeldOutOfTrainingSeededAndDisjoint() {
		ImageSet images = numbered(100);
		ValidationSplit split = ValidationSplit.of(images, 0.2, 9);
		assertThat(split.validation().count()).isEqualTo(20);
		assertThat(split.train().count()).isEqualTo(80);
		Set<Byte> validation = bytes(split.validation());
		Set<Byte> train = bytes(split.train());
		assertThat(validation).doesNotContainAnyElementsOf(train);
		assertThat(validation.size() + train.size()).isEqualTo(100);
		assertThat(bytes(ValidationSplit.of(images, 0.2, 9).validation())).isEqualTo(validation);
		assertThat(bytes(ValidationSplit.of(images, 0.2, 10).validation())).isNotEqualTo(validation);
		assertThatThrownBy(() -> ValidationSplit.of(numbered(3), 0.1, 1)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void withValidationTheFinalModelIsTheBestEpochOnValidation() {
		// A rate this high makes later epochs worse than earlier ones, so the best epoch is not the last.
		TrainingSpec spec = new TrainingSpec("seed-cnn", 6, 50, 0.05, OptimizerKind.ADAM, 0, 3, true,
				TrainingSpec.ALL, 0, Schedule.CONSTANT, Augmentation.NONE, 0.2);
		List<EpochResult> seen = new ArrayList<>();
		EpochResult[] finalResult = new EpochResult[1];
		double[] finalTestAccuracy = new double[1];
		Evaluation evaluation = new TrainingRun(spec, SYNTHETIC, new TrainingRunTests.Recording() {
			@Override
			public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
				seen.add(result);
			}

			@Override
			public void trainingFinished(EpochResult last, TrainingRun.Snapshot snapshot) {
				finalResult[0] = last;
				finalTestAccuracy[0] = accuracyOnTest(snapshot.model());
			}
		}, () -> false, null).run();
		assertThat(seen).hasSize(6).allSatisfy(epoch -> assertThat(epoch.validationAccuracy()).isNotNull());
		EpochResult best = seen.get(0);
		for (EpochResult epoch : seen) {
			if (epoch.betterOnValidationThan(best)) {
				best = epoch;
			}
		}
		assertThat(finalResult[0]).isEqualTo(best);
		assertThat(evaluation.accuracy()).isEqualTo(best.testAccuracy());
		assertThat(finalTestAccuracy[0]).isEqualTo(best.testAccuracy());
	}

	@Test
	void theBestEpochOnValidationIsKeptAcrossARestartAndTheResumedRunEndsOnIt() {
		TrainingSpec spec = new TrainingSpec("seed-cnn", 6, 50, 0.05, OptimizerKind.ADAM, 0, 3, true,
				TrainingSpec.ALL, 0, Schedule.CONSTANT, Augmentation.NONE, 0.2);
		EpochResult[] wholeFinal = new EpochResult[1];
		TrainingRunTests.Recording whole = new TrainingRunTests.Recording() {
			@Override
			public void trainingFinished(EpochResult last, TrainingRun.Snapshot snapshot) {
				wholeFinal[0] = last;
			}
		};
		new TrainingRun(spec, SYNTHETIC, whole, () -> false, null).run();
		assertThat(wholeFinal[0].epoch()).as("the best epoch comes before the last, where the run will stop")
			.isLessThan(6);
		assertThat(whole.bests).last().isEqualTo(wholeFinal[0]);

		TrainingRunTests.Saved saved = TrainingRunTests.stoppedAfter(spec, SYNTHETIC, 6, 3);
		assertThat(saved.best.result().epoch()).isEqualTo(wholeFinal[0].epoch());

		EpochResult[] resumedFinal = new EpochResult[1];
		TrainingRunTests.Saved resumedModel = new TrainingRunTests.Saved();
		TrainingRunTests.Recording second = new TrainingRunTests.Recording() {
			@Override
			public void trainingFinished(EpochResult last, TrainingRun.Snapshot snapshot) {
				resumedFinal[0] = last;
				resumedModel.captureBest(last, snapshot);
			}
		};
		Evaluation resumed = new TrainingRun(spec, SYNTHETIC, second, () -> false, saved.resume).run();

		assertThat(second.epochs).extracting(EpochResult::epoch).containsExactly(6);
		assertThat(resumedFinal[0]).usingRecursiveComparison()
			.ignoringFields("seconds", "evaluationSeconds", "samplesPerSecond")
			.isEqualTo(wholeFinal[0]);
		assertThat(resumedModel.best.parameters()).as("the final model's parameters are the best epoch's")
			.isEqualTo(saved.best.parameters());
		assertThat(resumed.accuracy()).isEqualTo(wholeFinal[0].testAccuracy());
	}

	@Test
	void withoutValidationNoValidationMetricsAreReported() {
		List<EpochResult> seen = new ArrayList<>();
		new TrainingRun(spec("seed-cnn", 1, 0, Schedule.CONSTANT, Augmentation.NONE, 0), SYNTHETIC,
				new TrainingRunTests.Recording() {
					@Override
					public void epochFinished(EpochResult result, TrainingRun.Snapshot snapshot) {
						seen.add(result);
					}
				}, () -> false, null).run();
		assertThat(seen.get(0).validationAccuracy()).isNull();
		assertThat(seen.get(0).validationLoss()).isNull();
	}

	@Test
	void cnnBnLearnsOnASmallSubset() {
		TrainingRunTests.Recording recording = new TrainingRunTests.Recording();
		Evaluation evaluation = new TrainingRun(spec("cnn-bn", 3, 0, Schedule.COSINE, Augmentation.NONE, 0), SMALL,
				recording, () -> false, null).run();
		assertThat(recording.epochs.get(2).trainLoss()).isLessThan(recording.epochs.get(0).trainLoss());
		assertThat(evaluation.accuracy()).isGreaterThan(0.9);
	}

	@Test
	void aCnnBnRunStoppedWithinAnEpochAndResumedEndsExactlyAsAnUninterruptedOne() {
		TrainingSpec spec = spec("cnn-bn", 3, 1e-4, Schedule.COSINE, Augmentation.FLIP_CROP, 0);
		TrainingRunTests.Recording whole = new TrainingRunTests.Recording();
		Evaluation uninterrupted = new TrainingRun(spec, SMALL, whole, () -> false, null).run();

		TrainingRunTests.Saved saved = TrainingRunTests.stoppedAfter(spec, SMALL, 2, 3);

		TrainingRunTests.Recording second = new TrainingRunTests.Recording();
		Evaluation resumed = new TrainingRun(spec, SMALL, second, () -> false, saved.resume).run();
		assertThat(second.epochs).extracting(EpochResult::epoch).containsExactly(2, 3);
		for (int i = 0; i < 2; i++) {
			EpochResult expected = whole.epochs.get(i + 1);
			EpochResult actual = second.epochs.get(i);
			assertThat(actual.trainLoss()).as("train loss, epoch %d", actual.epoch())
				.isCloseTo(expected.trainLoss(), Offset.offset(1e-5));
			// The test loss is computed with batch norm's running statistics: equal only if they were restored.
			assertThat(actual.testLoss()).as("test loss, epoch %d", actual.epoch())
				.isCloseTo(expected.testLoss(), Offset.offset(1e-5));
		}
		assertThat(resumed.confusionMatrix()).isDeepEqualTo(uninterrupted.confusionMatrix());
	}

	private static TrainingSpec spec(String architecture, int epochs, double weightDecay, Schedule schedule,
			Augmentation augmentation, double validationFraction) {
		return new TrainingSpec(architecture, epochs, 50, 0.01, OptimizerKind.ADAM, 0, 3, true, TrainingSpec.ALL,
				weightDecay, schedule, augmentation, validationFraction);
	}

	private static double weightNorm(TrainingSpec spec) {
		double[] norm = new double[1];
		new TrainingRun(spec, SYNTHETIC, new TrainingRunTests.Recording() {
			@Override
			public void trainingFinished(EpochResult last, TrainingRun.Snapshot snapshot) {
				double sum = 0;
				for (var parameter : snapshot.model().getBlock().getParameters().values()) {
					if (parameter.getName().equals("weight")) {
						sum += parameter.getArray().square().sum().getFloat();
					}
				}
				norm[0] = Math.sqrt(sum);
			}
		}, () -> false, null).run();
		return norm[0];
	}

	/** The test accuracy of a model evaluated afresh, in inference mode, outside the run. */
	private static double accuracyOnTest(Model model) {
		TestEvaluator evaluator = new TestEvaluator(SYNTHETIC.test(), SYNTHETIC.classNames());
		try (ai.djl.training.Trainer trainer = model.newTrainer(new ai.djl.training.DefaultTrainingConfig(
				ai.djl.training.loss.Loss.softmaxCrossEntropyLoss()))) {
			return evaluator.evaluate(trainer).evaluation().accuracy();
		}
	}

	private static float[] pixels(Batch batch) {
		try (batch) {
			NDArray data = batch.getData().singletonOrThrow();
			return data.toFloatArray();
		}
	}

	private static float max(float[] values) {
		float max = Float.NEGATIVE_INFINITY;
		for (float value : values) {
			max = Math.max(max, value);
		}
		return max;
	}

	/** Images whose single pixel is their index, so a split's members can be told apart. */
	private static ImageSet numbered(int count) {
		byte[] pixels = new byte[count];
		for (int i = 0; i < count; i++) {
			pixels[i] = (byte) i;
		}
		return new ImageSet(count, 1, 1, pixels, new byte[count]);
	}

	private static Set<Byte> bytes(ImageSet images) {
		Set<Byte> values = new HashSet<>();
		for (byte value : images.pixels()) {
			values.add(value);
		}
		return values;
	}


}
