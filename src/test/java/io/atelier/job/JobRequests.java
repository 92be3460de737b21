package io.atelier.job;

/** Job requests for tests: {@code POST /jobs} bodies that set only what a test is about. */
final class JobRequests {

	private JobRequests() {
	}

	static Hyperparameters epochs(int epochs, int batchSize) {
		return new Hyperparameters(null, null, epochs, batchSize, null, null, null, null, null, null, null, null, null,
				null);
	}

}
