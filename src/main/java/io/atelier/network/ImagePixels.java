package io.atelier.network;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * The one definition of how a decoded image becomes the 8-bit pixels a network is given, shared by
 * dataset import and serving so that a model sees at prediction time exactly what it saw in training:
 * grayscale by luminance (as PIL's {@code convert("L")}) or RGB with any alpha dropped (as
 * {@code convert("RGB")}), then resized by area averaging, laid out channel by channel (C×H×W).
 */
public final class ImagePixels {

	private ImagePixels() {
	}

	/** {@code channels} (1 or 3) planes of {@code height}×{@code width} pixels, one after another. */
	public static byte[] of(BufferedImage image, int channels, int height, int width) {
		int sourceWidth = image.getWidth();
		int sourceHeight = image.getHeight();
		if (channels == 1) {
			return resize(grayscale(image), sourceWidth, sourceHeight, width, height);
		}
		if (channels != 3) {
			throw new IllegalArgumentException("Images have 1 or 3 channels, not " + channels);
		}
		int[] rgb = image.getRGB(0, 0, sourceWidth, sourceHeight, null, 0, sourceWidth);
		byte[] out = new byte[3 * height * width];
		byte[] plane = new byte[rgb.length];
		for (int c = 0; c < 3; c++) {
			int shift = 16 - 8 * c;
			for (int i = 0; i < rgb.length; i++) {
				plane[i] = (byte) (rgb[i] >> shift);
			}
			byte[] resized = resize(plane, sourceWidth, sourceHeight, width, height);
			System.arraycopy(resized, 0, out, c * height * width, height * width);
		}
		return out;
	}

	/** 1 when the image has a single colour component (gray, with or without alpha), else 3. */
	public static int channels(int colorComponents) {
		return colorComponents == 1 ? 1 : 3;
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
			return source.clone();
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

}
