package io.atelier.job;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import io.atelier.dataset.ImageSet;
import io.atelier.network.Preprocessing;

/**
 * Cuts an in-memory image set into batches in a given order. The order of an epoch depends only on
 * the seed and the epoch number, so an epoch can be replayed exactly.
 */
final class BatchSource {

	private final ImageSet images;

	private final int batchSize;

	private final float[] pixelBuffer;

	private final long[] labelBuffer;

	BatchSource(ImageSet images, int batchSize) {
		this.images = images;
		this.batchSize = batchSize;
		this.pixelBuffer = new float[batchSize * images.pixelsPerImage()];
		this.labelBuffer = new long[batchSize];
	}

	int batches() {
		return (images.count() + batchSize - 1) / batchSize;
	}

	static int[] order(int count, boolean shuffle, long seed, int epoch) {
		int[] order = new int[count];
		for (int i = 0; i < count; i++) {
			order[i] = i;
		}
		if (shuffle) {
			Random random = new Random(seed * 1_000_003L + epoch);
			for (int i = count - 1; i > 0; i--) {
				int j = random.nextInt(i + 1);
				int swap = order[i];
				order[i] = order[j];
				order[j] = swap;
			}
		}
		return order;
	}

	/** Batch {@code index} of {@code order}; closing the batch frees its manager and arrays. */
	Batch batch(NDManager manager, int[] order, int index) {
		int from = index * batchSize;
		int size = Math.min(batchSize, order.length - from);
		int pixels = images.pixelsPerImage();
		for (int i = 0; i < size; i++) {
			int image = order[from + i];
			Preprocessing.scale(images.pixels(), image * pixels, pixels, pixelBuffer, i * pixels);
			labelBuffer[i] = images.label(image);
		}
		NDArray data = manager.create(FloatBuffer.wrap(pixelBuffer, 0, size * pixels),
				new Shape(size, 1, images.rows(), images.cols()));
		NDArray labels = manager.create(LongBuffer.wrap(labelBuffer, 0, size), new Shape(size));
		return new Batch(manager, new NDList(data), new NDList(labels), size, null, null, index, batches());
	}

}
