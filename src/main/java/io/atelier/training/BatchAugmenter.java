package io.atelier.training;

import java.util.Random;

/**
 * {@link Augmentation#FLIP_CROP} on scaled pixels in place: per image, a random left–right flip and a
 * random crop of the zero-padded image at its own size. The random numbers come from the job's seed,
 * the epoch and the batch only, so an epoch resumed at any batch sees the same images.
 */
final class BatchAugmenter {

	/** torchvision's usual padding for 28×28 and 32×32 images. */
	static final int PAD = 4;

	private final int channels;

	private final int rows;

	private final int cols;

	private final long seed;

	private final float[] image;

	BatchAugmenter(int channels, int rows, int cols, long seed) {
		this.channels = channels;
		this.rows = rows;
		this.cols = cols;
		this.seed = seed;
		this.image = new float[channels * rows * cols];
	}

	/** Augments {@code count} images laid out one after another in {@code pixels}. */
	void augment(float[] pixels, int count, int epoch, int batch) {
		Random random = new Random((seed * 1_000_003L + epoch) * 1_000_033L + batch);
		int perImage = image.length;
		for (int i = 0; i < count; i++) {
			boolean flip = random.nextBoolean();
			int dy = random.nextInt(2 * PAD + 1) - PAD;
			int dx = random.nextInt(2 * PAD + 1) - PAD;
			System.arraycopy(pixels, i * perImage, image, 0, perImage);
			transform(image, pixels, i * perImage, flip, dy, dx);
		}
	}

	private void transform(float[] source, float[] target, int offset, boolean flip, int dy, int dx) {
		for (int c = 0; c < channels; c++) {
			int plane = c * rows * cols;
			for (int y = 0; y < rows; y++) {
				int sy = y + dy;
				for (int x = 0; x < cols; x++) {
					int sx = (flip ? cols - 1 - x : x) + dx;
					boolean inside = sy >= 0 && sy < rows && sx >= 0 && sx < cols;
					target[offset + plane + y * cols + x] = inside ? source[plane + sy * cols + sx] : 0f;
				}
			}
		}
	}

}
