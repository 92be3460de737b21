package io.atelier.training;

import java.util.Arrays;
import java.util.Random;

import io.atelier.dataset.ImageSet;

/**
 * The training images cut in two: a seeded random part held out for validation, the rest trained on.
 * Both keep the images' original order, and no image is in both.
 */
record ValidationSplit(ImageSet train, ImageSet validation) {

	static ValidationSplit of(ImageSet images, double fraction, long seed) {
		int held = (int) Math.round(images.count() * fraction);
		if (held < 1 || held >= images.count()) {
			throw new IllegalArgumentException("A validation fraction of " + fraction + " of " + images.count()
					+ " training images leaves no validation or no training images");
		}
		int[] order = BatchSource.order(images.count(), true, seed, -1);
		int[] validation = Arrays.copyOf(order, held);
		int[] train = Arrays.copyOfRange(order, held, order.length);
		Arrays.sort(validation);
		Arrays.sort(train);
		return new ValidationSplit(select(images, train), select(images, validation));
	}

	private static ImageSet select(ImageSet images, int[] indices) {
		int perImage = images.pixelsPerImage();
		byte[] pixels = new byte[indices.length * perImage];
		byte[] labels = new byte[indices.length];
		for (int i = 0; i < indices.length; i++) {
			System.arraycopy(images.pixels(), indices[i] * perImage, pixels, i * perImage, perImage);
			labels[i] = images.labels()[indices[i]];
		}
		return new ImageSet(indices.length, images.channels(), images.rows(), images.cols(), pixels, labels);
	}

}
