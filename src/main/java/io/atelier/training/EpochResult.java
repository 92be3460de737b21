package io.atelier.training;

/**
 * One finished epoch.
 *
 * @param epoch 1-based
 * @param trainLoss mean cross-entropy over the epoch's batches
 * @param trainAccuracy correct predictions / images seen during the training pass, as the seed counts
 * @param testLoss mean cross-entropy on the test set after the epoch
 * @param testAccuracy accuracy on the test set after the epoch
 * @param seconds wall time of the training pass alone
 * @param evaluationSeconds wall time of the test-set evaluation
 * @param samplesPerSecond training images per second during the training pass
 * @param validationLoss mean cross-entropy on the held-out validation images, null without validation
 * @param validationAccuracy accuracy on the validation images, null without validation
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
		double seconds, double evaluationSeconds, double samplesPerSecond, Double validationLoss,
		Double validationAccuracy) {

	/** An epoch of a run without validation. */
	public EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
			double seconds, double evaluationSeconds, double samplesPerSecond) {
		this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds, evaluationSeconds, samplesPerSecond,
				null, null);
	}

	/** Whether this epoch is better on validation than {@code other}: higher accuracy, then lower loss. */
	boolean betterOnValidationThan(EpochResult other) {
		if (other == null) {
			return true;
		}
		int byAccuracy = Double.compare(validationAccuracy, other.validationAccuracy);
		return byAccuracy > 0 || (byAccuracy == 0 && validationLoss < other.validationLoss);
	}

}
