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
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
		double seconds, double evaluationSeconds, double samplesPerSecond) {
}
