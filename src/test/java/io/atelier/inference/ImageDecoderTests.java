package io.atelier.inference;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageDecoderTests {

	private final ImageDecoder decoder = new ImageDecoder(40_000_000);

	@Test
	void keepsTheExactPixelsOfA28x28GrayscalePng() {
		byte[] pixels = new byte[784];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (byte) (i % 200);
		}
		byte[] decoded = decoder.decode(TestImages.grayPng(28, 28, pixels), 28, 28, ImageDecoder.Invert.FALSE);
		assertThat(decoded).containsExactly(pixels);
	}

	@Test
	void convertsColourToGrayscaleByLuminance() {
		byte[] decoded = decoder.decode(TestImages.rgb(28, 28, 0x00FF00, "png"), 28, 28, ImageDecoder.Invert.FALSE);
		assertThat(decoded[0] & 0xFF).isEqualTo(150);
	}

	@Test
	void resizesByAveragingTheCoveredPixels() {
		byte[] pixels = new byte[56 * 56];
		for (int y = 0; y < 56; y++) {
			for (int x = 0; x < 56; x++) {
				pixels[y * 56 + x] = (byte) ((x + y) % 2 == 0 ? 200 : 100);
			}
		}
		byte[] decoded = decoder.decode(TestImages.grayPng(56, 56, pixels), 28, 28, ImageDecoder.Invert.FALSE);
		assertThat(decoded).hasSize(784);
		for (byte value : decoded) {
			assertThat(value & 0xFF).isEqualTo(150);
		}
	}

	@Test
	void invertsALightBackgroundWhenAuto() {
		byte[] light = decoder.decode(TestImages.rgb(40, 30, 0xF0F0F0, "jpg"), 28, 28, ImageDecoder.Invert.AUTO);
		assertThat(light[0] & 0xFF).isLessThan(20);
		byte[] dark = TestImages.grayPng(28, 28, new byte[784]);
		assertThat(decoder.decode(dark, 28, 28, ImageDecoder.Invert.AUTO)[0]).isZero();
		assertThat(decoder.decode(dark, 28, 28, ImageDecoder.Invert.TRUE)[0] & 0xFF).isEqualTo(255);
	}

	@Test
	void decodesColourIntoThreePlanesAndInvertsAutomaticallyOnlyForModelsOfLightOnDarkImages() {
		byte[] png = TestImages.rgb(40, 30, 0xF0A050, "png");
		byte[] photo = decoder.decode(png, 3, 20, 10, ImageDecoder.Invert.AUTO, false);
		assertThat(photo).hasSize(3 * 20 * 10);
		assertThat(photo[0] & 0xFF).isEqualTo(0xF0);
		assertThat(photo[200] & 0xFF).isEqualTo(0xA0);
		assertThat(photo[400] & 0xFF).isEqualTo(0x50);
		byte[] inverted = decoder.decode(png, 3, 20, 10, ImageDecoder.Invert.AUTO, true);
		assertThat(inverted[0] & 0xFF).isEqualTo(0x0F);
		assertThat(decoder.decode(png, 1, 20, 10, ImageDecoder.Invert.TRUE, false)[0] & 0xFF)
			.isEqualTo(255 - (0xF0 * 299 + 0xA0 * 587 + 0x50 * 114 + 500) / 1000);
	}

	@Test
	void decodesJpegGifAndBmp() {
		for (String format : new String[] { "jpg", "gif", "bmp" }) {
			assertThat(decoder.decode(TestImages.rgb(10, 10, 0xFFFFFF, format), 28, 28, ImageDecoder.Invert.FALSE))
				.as(format)
				.hasSize(784);
		}
	}

	@Test
	void refusesTextNamedAsAnImage() {
		assertThatThrownBy(() -> decode("hello, I am not a PNG".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(InvalidImageException.class)
			.hasMessageContaining("not a PNG, JPEG, GIF or BMP image");
	}

	@Test
	void refusesATruncatedPng() {
		byte[] png = TestImages.rgb(100, 100, 0x123456, "png");
		assertThatThrownBy(() -> decode(Arrays.copyOf(png, png.length / 2))).isInstanceOf(InvalidImageException.class)
			.hasMessageStartingWith("The image could not be decoded");
	}

	@Test
	void refusesADecompressionBombFromItsHeaderAlone() {
		assertThatThrownBy(() -> decode(TestImages.pngHeaderOnly(100_000, 100_000)))
			.isInstanceOf(InvalidImageException.class)
			.hasMessageContaining("100000x100000 = 10000000000 pixels, over the limit of 40000000");
	}

	@Test
	void refusesFormatsItDoesNotServe() {
		BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY);
		assertThatThrownBy(() -> decode(TestImages.encode(image, "wbmp"))).isInstanceOf(InvalidImageException.class);
	}

	private byte[] decode(byte[] bytes) {
		return decoder.decode(bytes, 28, 28, ImageDecoder.Invert.AUTO);
	}

}
