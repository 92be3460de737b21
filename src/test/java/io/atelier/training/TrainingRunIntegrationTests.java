package io.atelier.training;

import io.atelier.dataset.LabeledDataset;
import io.atelier.dataset.RealFashionMnist;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A full epoch of the seed pipeline on the real dataset: slow, so it runs in the integration phase. */
class TrainingRunIntegrationTests {

	@Test
	void reachesEightyPercentOnRealFashionMnistInOneEpoch() {
		LabeledDataset real = RealFashionMnist.load();
		TrainingRunTests.Recording recording = new TrainingRunTests.Recording();
		new TrainingRun(TrainingSpec.SEED_PIPELINE.withEpochs(1), real, recording, () -> false, null).run();
		EpochResult epoch = recording.epochs.get(0);
		assertThat(epoch.testAccuracy()).isGreaterThanOrEqualTo(0.80);
		assertThat(recording.batches.get()).isEqualTo(600);
	}

	/** A sanity check that cnn-bn learns real images with its options on; the accuracy target is bench/accuracy.sh. */
	@Test
	void cnnBnLearnsRealFashionMnistFromASubset() {
		LabeledDataset real = RealFashionMnist.load();
		TrainingSpec spec = new TrainingSpec("cnn-bn", 2, 64, 0.002, OptimizerKind.ADAM, 0, 0, true, 3000, 0.05,
				Schedule.COSINE, Augmentation.FLIP_CROP, 0.1);
		TrainingRunTests.Recording recording = new TrainingRunTests.Recording();
		Evaluation evaluation = new TrainingRun(spec, real, recording, () -> false, null).run();
		assertThat(recording.epochs).hasSize(2);
		assertThat(recording.epochs.get(1).validationAccuracy()).isGreaterThan(0.6);
		assertThat(evaluation.accuracy()).isGreaterThanOrEqualTo(0.6);
		System.out.printf("cnn-bn on 2700 real images: %s%n", recording.epochs);
	}

}
