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

	/** Images with a channel dimension (count, channels, rows, cols), as Atelier stores image folders. */
	static final int CHANNELS_MAGIC = 0x00000804;

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

	/** Reads a plain file fully, refusing anything larger than {@code maxBytes}. */
	static byte[] read(Path file, long maxBytes) throws IOException {
		long size = Files.size(file);
		if (size > maxBytes) {
			throw new IdxFormatException(file + " holds " + size + " bytes, more than the " + maxBytes + " allowed");
		}
		return Files.readAllBytes(file);
	}

	/**
	 * Parses an images file: magic 0x803, count, rows, cols, then count*rows*cols pixels; or magic 0x804,
	 * count, channels (1 or 3), rows, cols, then the pixels of each image channel by channel.
	 */
	static Images images(byte[] content, String source) {
		boolean withChannels = content.length >= 4 && ByteBuffer.wrap(content).getInt(0) == CHANNELS_MAGIC;
		int headerLength = withChannels ? 20 : 16;
		ByteBuffer header = header(content, headerLength, withChannels ? CHANNELS_MAGIC : IMAGES_MAGIC, source);
		int count = nonNegative(header.getInt(4), "count", source);
		int at = 8;
		int channels = 1;
		if (withChannels) {
			channels = header.getInt(at);
			at += 4;
			if (channels != 1 && channels != 3) {
				throw new IdxFormatException(source + " declares " + channels + " channels; 1 or 3 are supported");
			}
		}
		int rows = positive(header.getInt(at), "rows", source);
		int cols = positive(header.getInt(at + 4), "columns", source);
		long expected;
		try {
			expected = Math.addExact(headerLength,
					Math.multiplyExact(Math.multiplyExact(Math.multiplyExact((long) count, rows), cols), channels));
		}
		catch (ArithmeticException ex) {
			throw new IdxFormatException(source + " declares " + count + " images of " + rows + "x" + cols
					+ " pixels, more than any file can hold");
		}
		checkLength(content, expected, source);
		byte[] pixels = new byte[content.length - headerLength];
		System.arraycopy(content, headerLength, pixels, 0, pixels.length);
		return new Images(count, channels, rows, cols, pixels);
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

	record Images(int count, int channels, int rows, int cols, byte[] pixels) {
	}

}
