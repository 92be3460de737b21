package io.atelier.job;

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
record EpochTotals(int batches, double lossSum, long correct, long seen, double seconds) {

	static final EpochTotals NONE = new EpochTotals(0, 0, 0, 0, 0);

	EpochTotals add(double loss, long batchCorrect, long batchSize) {
		return new EpochTotals(batches + 1, lossSum + loss, correct + batchCorrect, seen + batchSize, seconds);
	}

	EpochTotals plusSeconds(double more) {
		return new EpochTotals(batches, lossSum, correct, seen, seconds + more);
	}

}
