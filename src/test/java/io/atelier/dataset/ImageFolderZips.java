package io.atelier.dataset;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import io.atelier.inference.TestImages;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Image-folder archives for tests, made here: shapes drawn in colour on a noisy background, which a
 * network tells apart in a few epochs, and any hostile entry a test needs (names that climb, links).
 */
public final class ImageFolderZips {

	/** The drawn classes; each has its own colour too, so colour alone tells them apart. */
	public static final List<String> SHAPES = List.of("circle", "square", "triangle");

	private static final Color[] COLOURS = { new Color(220, 40, 40), new Color(40, 200, 40), new Color(40, 60, 220) };

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes);

	public static ImageFolderZips zip() {
		return new ImageFolderZips();
	}

	/** {@code perClass} PNGs of each shape, {@code width}×{@code height}, as {@code <shape>/<n>.png}. */
	public static byte[] shapes(int perClass, int width, int height, long seed) {
		ImageFolderZips zip = zip();
		Random random = new Random(seed);
		for (int label = 0; label < SHAPES.size(); label++) {
			for (int i = 0; i < perClass; i++) {
				zip.file(SHAPES.get(label) + "/" + i + ".png", png(shape(label, width, height, random)));
			}
		}
		return zip.build();
	}

	/** An RGB image of shape {@code label} on a dark noisy background. */
	public static BufferedImage shape(int label, int width, int height, Random random) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				int noise = random.nextInt(50);
				image.setRGB(x, y, noise << 16 | noise << 8 | noise);
			}
		}
		Graphics2D g = image.createGraphics();
		g.setColor(COLOURS[label]);
		int size = Math.min(width, height) / 2 + random.nextInt(Math.max(1, Math.min(width, height) / 4));
		int x = random.nextInt(Math.max(1, width - size));
		int y = random.nextInt(Math.max(1, height - size));
		switch (label) {
			case 0 -> g.fillOval(x, y, size, size);
			case 1 -> g.fillRect(x, y, size, size);
			default -> g.fillPolygon(new int[] { x, x + size, x + size / 2 }, new int[] { y + size, y + size, y }, 3);
		}
		g.dispose();
		return image;
	}

	public static byte[] png(BufferedImage image) {
		return TestImages.encode(image, "png");
	}

	public static byte[] jpeg(BufferedImage image) {
		return TestImages.encode(image, "jpeg");
	}

	/** A gray image of one value. */
	public static BufferedImage gray(int width, int height, int value) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.getRaster().setSample(x, y, 0, value);
			}
		}
		return image;
	}

	/** A valid PNG header claiming {@code width}×{@code height} pixels, followed by no image data. */
	public static byte[] pngHeaderOnly(int width, int height) {
		return TestImages.pngHeaderOnly(width, height);
	}

	/** Two classes of {@code perClass} small PNGs, the usual body around a test's one odd entry. */
	public ImageFolderZips twoClasses(int perClass) {
		Random random = new Random(1);
		for (int label = 0; label < 2; label++) {
			for (int i = 0; i < perClass; i++) {
				file(SHAPES.get(label) + "/" + i + ".png", png(shape(label, 20, 20, random)));
			}
		}
		return this;
	}

	public ImageFolderZips file(String name, byte[] content) {
		try {
			ZipArchiveEntry entry = new ZipArchiveEntry(name);
			zip.putArchiveEntry(entry);
			zip.write(content);
			zip.closeArchiveEntry();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public ImageFolderZips directory(String name) {
		return file(name.endsWith("/") ? name : name + "/", new byte[0]);
	}

	public ImageFolderZips symlink(String name, String target) {
		try {
			ZipArchiveEntry entry = new ZipArchiveEntry(name);
			entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
			zip.putArchiveEntry(entry);
			zip.write(target.getBytes(StandardCharsets.UTF_8));
			zip.closeArchiveEntry();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public byte[] build() {
		try {
			zip.finish();
			zip.close();
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
