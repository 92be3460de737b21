package io.atelier.dataset;

import java.util.Arrays;

/**
 * Labelled 8-bit images kept compactly in memory: {@code count} images of {@code channels} planes of
 * {@code rows}×{@code cols} pixels (C×H×W) stored one after another, and one label per image.
 */
public record ImageSet(int count, int channels, int rows, int cols, byte[] pixels, byte[] labels) {

	public ImageSet {
		if (channels != 1 && channels != 3) {
			throw new IllegalArgumentException("images have 1 or 3 channels, not " + channels);
		}
		if ((long) count * channels * rows * cols != pixels.length || labels.length != count) {
			throw new IllegalArgumentException("pixels and labels do not match " + count + " images of " + channels
					+ "x" + rows + "x" + cols);
		}
	}

	/** Grayscale images, as IDX files hold them. */
	public ImageSet(int count, int rows, int cols, byte[] pixels, byte[] labels) {
		this(count, 1, rows, cols, pixels, labels);
	}

	public int pixelsPerImage() {
		return channels * rows * cols;
	}

	public int label(int index) {
		return labels[index] & 0xFF;
	}

	/** The first {@code limit} images, sharing no state with this set. */
	public ImageSet first(int limit) {
		if (limit >= count) {
			return this;
		}
		byte[] firstPixels = Arrays.copyOf(pixels, limit * pixelsPerImage());
		return new ImageSet(limit, channels, rows, cols, firstPixels, Arrays.copyOf(labels, limit));
	}

	/** Images per label, for {@code classes} labels. */
	int[] countsPerLabel(int classes) {
		int[] counts = new int[classes];
		for (int i = 0; i < count; i++) {
			counts[label(i)]++;
		}
		return counts;
	}

}
