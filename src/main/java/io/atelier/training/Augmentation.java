package io.atelier.training;

/**
 * What is done to training images before each step; evaluation never sees it.
 */
public enum Augmentation {

	/** The images as they are, as the seed pipeline trains. */
	NONE("none"),

	/**
	 * Each image flipped left–right with probability ½ and cut at a random offset out of the image
	 * padded by {@link BatchAugmenter#PAD} zero pixels on each side (torchvision's
	 * {@code RandomHorizontalFlip()} and {@code RandomCrop(size, padding=4)}); seeded by the job's seed,
	 * the epoch and the batch, so a resumed run sees the same images.
	 */
	FLIP_CROP("flip-crop");

	private final String id;

	Augmentation(String id) {
		this.id = id;
	}

	@Override
	public String toString() {
		return id;
	}

}
