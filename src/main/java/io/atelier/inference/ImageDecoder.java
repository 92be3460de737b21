package io.atelier.inference;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns image bytes into the 8-bit grayscale the networks were trained on: decoded, converted to
 * grayscale by luminance (as PIL's {@code convert("L")}), resized by area averaging, and inverted
 * when asked or, with {@link Invert#AUTO}, when its border is light (Fashion-MNIST objects are light
 * on black; photos are usually dark on light).
 */
final class ImageDecoder {

	private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");

	static {
		// ImageIO otherwise buffers every stream through a temporary file.
		ImageIO.setUseCache(false);
	}

	private final long maxPixels;

	ImageDecoder(long maxPixels) {
		this.maxPixels = maxPixels;
	}

	enum Invert {

		AUTO, TRUE, FALSE

	}

	byte[] decode(byte[] bytes, int width, int height, Invert invert) {
		BufferedImage image = read(bytes);
		byte[] gray = resize(grayscale(image), image.getWidth(), image.getHeight(), width, height);
		if (invert == Invert.TRUE || (invert == Invert.AUTO && borderIsLight(gray, width, height))) {
			for (int i = 0; i < gray.length; i++) {
				gray[i] = (byte) (255 - (gray[i] & 0xFF));
			}
		}
		return gray;
	}

	private BufferedImage read(byte[] bytes) {
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
			Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) {
				throw new InvalidImageException("The body is not a PNG, JPEG, GIF or BMP image.");
			}
			ImageReader reader = readers.next();
			try {
				String format = reader.getFormatName().toLowerCase(Locale.ROOT);
				if (!FORMATS.contains(format)) {
					throw new InvalidImageException("Images in " + format + " format are not supported; send PNG, "
							+ "JPEG, GIF or BMP.");
				}
				reader.setInput(in, true, true);
				long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
				if (pixels > maxPixels) {
					throw new InvalidImageException("The image is " + reader.getWidth(0) + "x" + reader.getHeight(0)
							+ " = " + pixels + " pixels, over the limit of " + maxPixels + ".");
				}
				if (pixels == 0) {
					throw new InvalidImageException("The image has no pixels.");
				}
				return reader.read(0);
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof InvalidImageException invalid) {
				throw invalid;
			}
			throw new InvalidImageException("The image could not be decoded: " + ex.getMessage());
		}
	}

	private static byte[] grayscale(BufferedImage image) {
		if (image.getType() == BufferedImage.TYPE_BYTE_GRAY
				&& image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
				&& buffer.getData().length == image.getWidth() * image.getHeight()) {
			return buffer.getData().clone();
		}
		int width = image.getWidth();
		int height = image.getHeight();
		int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
		byte[] gray = new byte[rgb.length];
		for (int i = 0; i < rgb.length; i++) {
			int r = (rgb[i] >> 16) & 0xFF;
			int g = (rgb[i] >> 8) & 0xFF;
			int b = rgb[i] & 0xFF;
			gray[i] = (byte) ((r * 299 + g * 587 + b * 114 + 500) / 1000);
		}
		return gray;
	}

	/** Each target pixel is the mean of the source pixels it covers (the nearest one when enlarging). */
	private static byte[] resize(byte[] source, int sourceWidth, int sourceHeight, int width, int height) {
		if (sourceWidth == width && sourceHeight == height) {
			return source;
		}
		byte[] target = new byte[width * height];
		for (int y = 0; y < height; y++) {
			int y0 = (int) ((long) y * sourceHeight / height);
			int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * sourceHeight / height));
			for (int x = 0; x < width; x++) {
				int x0 = (int) ((long) x * sourceWidth / width);
				int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * sourceWidth / width));
				long sum = 0;
				for (int sy = y0; sy < y1; sy++) {
					for (int sx = x0; sx < x1; sx++) {
						sum += source[sy * sourceWidth + sx] & 0xFF;
					}
				}
				long count = (long) (y1 - y0) * (x1 - x0);
				target[y * width + x] = (byte) ((sum + count / 2) / count);
			}
		}
		return target;
	}

	private static boolean borderIsLight(byte[] gray, int width, int height) {
		long sum = 0;
		int count = 0;
		for (int x = 0; x < width; x++) {
			sum += (gray[x] & 0xFF) + (gray[(height - 1) * width + x] & 0xFF);
			count += 2;
		}
		for (int y = 1; y < height - 1; y++) {
			sum += (gray[y * width] & 0xFF) + (gray[y * width + width - 1] & 0xFF);
			count += 2;
		}
		return sum / (double) count > 127.5;
	}

}
