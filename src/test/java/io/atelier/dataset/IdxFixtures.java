package io.atelier.dataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small Fashion-MNIST-shaped IDX files, so tests need not have the real dataset. Each class
 * is a bright bar at its own place on a noisy background, which a network learns in a few batches.
 */
public final class IdxFixtures {

	private IdxFixtures() {
	}

	/** Writes the four gz files of a learnable 28x28, 10-class dataset into {@code dir}. */
	public static Path write(Path dir, int trainCount, int testCount) throws IOException {
		Files.createDirectories(dir);
		Random random = new Random(42);
		writeSplit(dir, "train", trainCount, random);
		writeSplit(dir, "t10k", testCount, random);
		return dir;
	}

	public static byte[] images(int count, int rows, int cols, byte[] pixels) {
		ByteBuffer buffer = ByteBuffer.allocate(16 + pixels.length);
		buffer.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols).put(pixels);
		return buffer.array();
	}

	public static byte[] labels(byte[] labels) {
		ByteBuffer buffer = ByteBuffer.allocate(8 + labels.length);
		buffer.putInt(IdxReader.LABELS_MAGIC).putInt(labels.length).put(labels);
		return buffer.array();
	}

	public static void gzip(Path file, byte[] content) throws IOException {
		try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
			out.write(content);
		}
	}

	public static byte[] gzip(byte[] content) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (OutputStream out = new GZIPOutputStream(bytes)) {
			out.write(content);
		}
		return bytes.toByteArray();
	}

	/** The same learnable images as {@link #write}, in memory. */
	public static LabeledDataset dataset(int trainCount, int testCount) {
		Random random = new Random(42);
		return new LabeledDataset("fashion-mnist", FashionMnistSource.CLASS_NAMES, imageSet(trainCount, random),
				imageSet(testCount, random));
	}

	private static void writeSplit(Path dir, String prefix, int count, Random random) throws IOException {
		ImageSet set = imageSet(count, random);
		gzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images(count, 28, 28, set.pixels()));
		gzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels(set.labels()));
	}

	private static ImageSet imageSet(int count, Random random) {
		byte[] pixels = new byte[count * 784];
		byte[] labels = new byte[count];
		for (int i = 0; i < count; i++) {
			int label = i % 10;
			labels[i] = (byte) label;
			for (int p = 0; p < 784; p++) {
				pixels[i * 784 + p] = (byte) random.nextInt(60);
			}
			int row = 2 + label * 2;
			for (int col = 4; col < 24; col++) {
				pixels[i * 784 + row * 28 + col] = (byte) (200 + random.nextInt(56));
				pixels[i * 784 + (row + 1) * 28 + col] = (byte) (200 + random.nextInt(56));
			}
		}
		return new ImageSet(count, 28, 28, pixels, labels);
	}

}
