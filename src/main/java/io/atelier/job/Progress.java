package io.atelier.job;

/**
 * Where a job is: {@code epoch} is the one running (or the last finished), {@code batch} the batches
 * done within it.
 */
record Progress(int epoch, int epochs, int batch, int batchesPerEpoch, double fraction, Double etaSeconds) {

	static Progress notStarted(int epochs) {
		return new Progress(0, epochs, 0, 0, 0, null);
	}

}
