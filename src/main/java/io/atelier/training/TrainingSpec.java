package io.atelier.training;

import java.util.Objects;

/**
 * Everything a run needs to know about how to train, complete and checked: the engine's own terms,
 * free of how a request spelled them.
 *
 * @param architecture the network's id
 * @param epochs passes over the training set
 * @param batchSize images per optimizer step
 * @param learningRate the optimizer's step size
 * @param optimizer the optimizer
 * @param momentum SGD's momentum; 0 with Adam
 * @param seed seeds parameter initialisation and shuffling
 * @param shuffle reshuffle the training set every epoch
 * @param trainLimit train on at most this many images, from the start of the training split
 * @param weightDecay decoupled weight decay (AdamW): each step shrinks every weight by rate × decay
 * @param schedule how the learning rate changes from epoch to epoch
 * @param augmentation what is done to training images
 * @param validationFraction the part of the training images held out for validation, 0 for none
 */
public record TrainingSpec(String architecture, int epochs, int batchSize, double learningRate,
		OptimizerKind optimizer, double momentum, long seed, boolean shuffle, int trainLimit, double weightDecay,
		Schedule schedule, Augmentation augmentation, double validationFraction) {

	/** No limit on the training images. */
	public static final int ALL = Integer.MAX_VALUE;

	/** The seed pipeline: the network, optimizer and schedule Atelier started from. */
	public static final TrainingSpec SEED_PIPELINE = new TrainingSpec("seed-cnn", 10, 100, 0.01, OptimizerKind.ADAM,
			0, 0, true, ALL);

	/** The seed pipeline's terms: no weight decay, a constant rate, no augmentation or validation. */
	public TrainingSpec(String architecture, int epochs, int batchSize, double learningRate, OptimizerKind optimizer,
			double momentum, long seed, boolean shuffle, int trainLimit) {
		this(architecture, epochs, batchSize, learningRate, optimizer, momentum, seed, shuffle, trainLimit, 0,
				Schedule.CONSTANT, Augmentation.NONE, 0);
	}

	public TrainingSpec {
		Objects.requireNonNull(architecture, "architecture");
		Objects.requireNonNull(optimizer, "optimizer");
		Objects.requireNonNull(schedule, "schedule");
		Objects.requireNonNull(augmentation, "augmentation");
		if (!(weightDecay >= 0) || !(validationFraction >= 0 && validationFraction < 1)) {
			throw new IllegalArgumentException(
					"Weight decay " + weightDecay + " or validation fraction " + validationFraction + " out of range");
		}
		if (epochs < 1 || batchSize < 1 || trainLimit < 1 || !(learningRate > 0) || momentum < 0 || seed < 0) {
			throw new IllegalArgumentException("Not a complete training spec: " + epochs + " epochs, batch "
					+ batchSize + ", learning rate " + learningRate + ", momentum " + momentum + ", seed " + seed
					+ ", limit " + trainLimit);
		}
	}

	public TrainingSpec withEpochs(int newEpochs) {
		return new TrainingSpec(architecture, newEpochs, batchSize, learningRate, optimizer, momentum, seed, shuffle,
				trainLimit, weightDecay, schedule, augmentation, validationFraction);
	}

}
