package io.atelier.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

/**
 * Real image bytes for tests: encoded with ImageIO, or hand-made where an encoder would refuse.
 */
public final class TestImages {

	private TestImages() {
	}

	static byte[] grayPng(int width, int height, byte[] pixels) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
		image.getRaster().setDataElements(0, 0, width, height, pixels);
		return encode(image, "png");
	}

	static byte[] rgb(int width, int height, int rgb, String format) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.setRGB(x, y, rgb);
			}
		}
		return encode(image, format);
	}

	public static byte[] encode(BufferedImage image, String format) {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			if (!ImageIO.write(image, format, out)) {
				throw new IllegalStateException("no writer for " + format);
			}
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A valid PNG header claiming {@code width}×{@code height} pixels, followed by no image data. */
	public static byte[] pngHeaderOnly(int width, int height) {
		ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
			.put((byte) 0).put((byte) 0).put((byte) 0);
		ByteBuffer png = ByteBuffer.allocate(8 + 25);
		png.put(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		png.putInt(13).put("IHDR".getBytes());
		png.put(ihdr.array());
		CRC32 crc = new CRC32();
		crc.update("IHDR".getBytes());
		crc.update(ihdr.array());
		png.putInt((int) crc.getValue());
		return png.array();
	}

}
