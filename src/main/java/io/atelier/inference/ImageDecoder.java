package io.atelier.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.atelier.network.ImagePixels;
import lombok.RequiredArgsConstructor;

/**
 * Turns image bytes into the 8-bit pixels a network was trained on: decoded, converted to grayscale
 * by luminance (as PIL's {@code convert("L")}) or to RGB, resized by area averaging (all as
 * {@link ImagePixels} does for dataset import), and inverted when asked or, with {@link Invert#AUTO}
 * and a model of light-on-dark images, when its border is light (Fashion-MNIST objects are light on
 * black; photos are usually dark on light).
 */
@RequiredArgsConstructor
final class ImageDecoder {

	private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");

	static {
		// ImageIO otherwise buffers every stream through a temporary file.
		ImageIO.setUseCache(false);
	}

	private final long maxPixels;

	enum Invert {

		AUTO, TRUE, FALSE

	}

	/** A grayscale image of {@code width}×{@code height}, inverted as {@code invert} says. */
	byte[] decode(byte[] bytes, int width, int height, Invert invert) {
		return decode(bytes, 1, width, height, invert, true);
	}

	/**
	 * {@code channels} planes (C×H×W) of {@code width}×{@code height} pixels, as {@link ImagePixels} makes
	 * them for training. With {@link Invert#AUTO}, a light-bordered image is inverted only where
	 * {@code autoInverts}: for models that learnt light objects on dark.
	 */
	byte[] decode(byte[] bytes, int channels, int width, int height, Invert invert, boolean autoInverts) {
		BufferedImage image = read(bytes);
		byte[] pixels = ImagePixels.of(image, channels, height, width);
		if (invert == Invert.TRUE || (invert == Invert.AUTO && autoInverts && borderIsLight(pixels, width, height))) {
			for (int i = 0; i < pixels.length; i++) {
				pixels[i] = (byte) (255 - (pixels[i] & 0xFF));
			}
		}
		return pixels;
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

	/** Whether the mean of the border pixels, over every channel, is above the middle gray. */
	private static boolean borderIsLight(byte[] pixels, int width, int height) {
		long sum = 0;
		int count = 0;
		for (int plane = 0; plane < pixels.length; plane += width * height) {
			for (int x = 0; x < width; x++) {
				sum += (pixels[plane + x] & 0xFF) + (pixels[plane + (height - 1) * width + x] & 0xFF);
				count += 2;
			}
			for (int y = 1; y < height - 1; y++) {
				sum += (pixels[plane + y * width] & 0xFF) + (pixels[plane + y * width + width - 1] & 0xFF);
				count += 2;
			}
		}
		return sum / (double) count > 127.5;
	}

}
