package io.atelier.training;

/**
 * What an epoch's training pass has summed so far; saved with a resume point so that an epoch
 * resumed mid-way reports the same loss and accuracy as one that ran through.
 *
 * @param batches batches trained in this epoch
 * @param lossSum sum of their mean losses
 * @param correct images predicted correctly
 * @param seen images trained on
 * @param seconds time spent training them
 */
public record EpochTotals(int batches, double lossSum, long correct, long seen, double seconds) {

	public static final EpochTotals NONE = new EpochTotals(0, 0, 0, 0, 0);

	double meanLoss() {
		return lossSum / batches;
	}

	/** Correct predictions among the images seen during the training pass, as the seed pipeline counts. */
	double accuracy() {
		return (double) correct / seen;
	}

	double imagesPerSecond() {
		return seen / seconds;
	}

	EpochTotals add(double loss, long batchCorrect, long batchSize) {
		return new EpochTotals(batches + 1, lossSum + loss, correct + batchCorrect, seen + batchSize, seconds);
	}

	EpochTotals plusSeconds(double more) {
		return new EpochTotals(batches, lossSum, correct, seen, seconds + more);
	}

}
