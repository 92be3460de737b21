package io.atelier.training;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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

	private final float[] pixels;

	private final ByteBuffer pixelBytes;

	private final ByteBuffer labelBytes;

	/**
	 * The engine wraps a direct buffer without copying it, so one pair of buffers serves every batch
	 * instead of a fresh native allocation per batch; a batch's tensors are closed before the next
	 * batch overwrites them.
	 */
	BatchSource(ImageSet images, int batchSize) {
		this.images = images;
		this.batchSize = batchSize;
		this.pixels = new float[batchSize * images.pixelsPerImage()];
		this.pixelBytes = ByteBuffer.allocateDirect(pixels.length * Float.BYTES).order(ByteOrder.nativeOrder());
		this.labelBytes = ByteBuffer.allocateDirect(batchSize * Long.BYTES).order(ByteOrder.nativeOrder());
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
		return batch(manager, order, index, null, 0);
	}

	/** Batch {@code index} of {@code order} in {@code epoch}, augmented unless {@code augmenter} is null. */
	Batch batch(NDManager manager, int[] order, int index, BatchAugmenter augmenter, int epoch) {
		int from = index * batchSize;
		int size = Math.min(batchSize, order.length - from);
		int perImage = images.pixelsPerImage();
		labelBytes.clear();
		for (int i = 0; i < size; i++) {
			int image = order[from + i];
			Preprocessing.scale(images.pixels(), image * perImage, perImage, pixels, i * perImage);
			labelBytes.putLong(images.label(image));
		}
		if (augmenter != null) {
			augmenter.augment(pixels, size, epoch, index);
		}
		pixelBytes.clear();
		pixelBytes.asFloatBuffer().put(pixels, 0, size * perImage);
		pixelBytes.limit(size * perImage * Float.BYTES);
		labelBytes.flip();
		NDArray data = manager.create(pixelBytes, new Shape(size, images.channels(), images.rows(), images.cols()), DataType.FLOAT32);
		NDArray labels = manager.create(labelBytes, new Shape(size), DataType.INT64);
		return new Batch(manager, new NDList(data), new NDList(labels), size, null, null, index, batches());
	}

}
