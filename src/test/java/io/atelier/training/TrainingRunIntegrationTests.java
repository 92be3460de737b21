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

}
