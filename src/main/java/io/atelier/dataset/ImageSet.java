package io.atelier.dataset;

/**
 * Labelled 8-bit grayscale images kept compactly in memory: {@code count} images of
 * {@code rows}×{@code cols} pixels stored one after another, and one label per image.
 */
public record ImageSet(int count, int rows, int cols, byte[] pixels, byte[] labels) {

	public ImageSet {
		if ((long) count * rows * cols != pixels.length || labels.length != count) {
			throw new IllegalArgumentException("pixels and labels do not match " + count + " images of "
					+ rows + "x" + cols);
		}
	}

	public int pixelsPerImage() {
		return rows * cols;
	}

	public int label(int index) {
		return labels[index] & 0xFF;
	}

	/** The first {@code limit} images, sharing no state with this set. */
	public ImageSet first(int limit) {
		if (limit >= count) {
			return this;
		}
		byte[] firstPixels = java.util.Arrays.copyOf(pixels, limit * pixelsPerImage());
		return new ImageSet(limit, rows, cols, firstPixels, java.util.Arrays.copyOf(labels, limit));
	}

}
