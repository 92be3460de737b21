package io.atelier.dataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST-style datasets: a big-endian header (magic, then one count per
 * dimension) followed by unsigned bytes. Every claim the header makes is checked against the content.
 */
final class IdxReader {

	static final int IMAGES_MAGIC = 0x00000803;

	static final int LABELS_MAGIC = 0x00000801;

	private IdxReader() {
	}

	/** Decompresses a {@code .gz} file fully, refusing anything larger than {@code maxBytes}. */
	static byte[] gunzip(Path file, long maxBytes) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 64 * 1024)) {
			ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
			byte[] buffer = new byte[64 * 1024];
			long total = 0;
			for (int n; (n = in.read(buffer)) > 0;) {
				total += n;
				if (total > maxBytes) {
					throw new IdxFormatException(file + " decompresses to more than " + maxBytes + " bytes");
				}
				out.write(buffer, 0, n);
			}
			return out.toByteArray();
		}
		catch (java.util.zip.ZipException ex) {
			throw new IdxFormatException(file + " is not a valid gzip file: " + ex.getMessage());
		}
		catch (java.io.EOFException ex) {
			throw new IdxFormatException(file + " is truncated (unexpected end of the gzip stream)");
		}
	}

	/** Parses an images file: magic 0x803, count, rows, cols, then count*rows*cols pixels. */
	static Images images(byte[] content, String source) {
		ByteBuffer header = header(content, 16, IMAGES_MAGIC, source);
		int count = nonNegative(header.getInt(4), "count", source);
		int rows = positive(header.getInt(8), "rows", source);
		int cols = positive(header.getInt(12), "columns", source);
		long expected;
		try {
			expected = Math.addExact(16L, Math.multiplyExact(Math.multiplyExact((long) count, rows), cols));
		}
		catch (ArithmeticException ex) {
			throw new IdxFormatException(source + " declares " + count + " images of " + rows + "x" + cols
					+ " pixels, more than any file can hold");
		}
		checkLength(content, expected, source);
		byte[] pixels = new byte[content.length - 16];
		System.arraycopy(content, 16, pixels, 0, pixels.length);
		return new Images(count, rows, cols, pixels);
	}

	/** Parses a labels file: magic 0x801, count, then count labels. */
	static byte[] labels(byte[] content, String source) {
		ByteBuffer header = header(content, 8, LABELS_MAGIC, source);
		int count = nonNegative(header.getInt(4), "count", source);
		checkLength(content, 8L + count, source);
		byte[] labels = new byte[count];
		System.arraycopy(content, 8, labels, 0, count);
		return labels;
	}

	private static ByteBuffer header(byte[] content, int length, int magic, String source) {
		if (content.length < length) {
			throw new IdxFormatException(source + " is truncated: " + content.length
					+ " bytes, shorter than the " + length + "-byte IDX header");
		}
		ByteBuffer header = ByteBuffer.wrap(content, 0, length);
		int actual = header.getInt(0);
		if (actual != magic) {
			throw new IdxFormatException(String.format("%s has IDX magic 0x%08x, expected 0x%08x", source,
					actual, magic));
		}
		return header;
	}

	private static void checkLength(byte[] content, long expected, String source) {
		if (content.length != expected) {
			throw new IdxFormatException(source + " has " + content.length + " bytes but its header promises "
					+ expected + (content.length < expected ? " (truncated)" : " (trailing data)"));
		}
	}

	private static int nonNegative(int value, String what, String source) {
		if (value < 0) {
			throw new IdxFormatException(source + " declares a negative " + what + ": " + value);
		}
		return value;
	}

	private static int positive(int value, String what, String source) {
		if (value <= 0) {
			throw new IdxFormatException(source + " declares " + what + " = " + value);
		}
		return value;
	}

	record Images(int count, int rows, int cols, byte[] pixels) {
	}

}
