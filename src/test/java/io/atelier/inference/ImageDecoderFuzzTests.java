package io.atelier.inference;

import java.time.Duration;
import java.util.List;

import io.atelier.Fuzz;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Whatever bytes a client sends as an image, decoding gives a 28x28 image or an {@link InvalidImageException}
 * (a 400), within bounded time and memory: mutated PNG, JPEG, GIF and BMP files, random bytes behind a
 * real signature, and headers that claim enormous or empty images.
 */
class ImageDecoderFuzzTests {

	private static final long MAX_PIXELS = 40_000_000;

	private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);

	private final Fuzz fuzz = new Fuzz();

	@Test
	void mutatedImagesDecodeOrAreRefusedAsInvalid() {
		List<byte[]> seeds = List.of(TestImages.grayPng(28, 28, fuzz.randomBytes(784)),
				TestImages.rgb(64, 48, 0x336699, "png"), TestImages.rgb(64, 48, 0x996633, "jpeg"),
				TestImages.rgb(30, 30, 0xffffff, "gif"), TestImages.rgb(30, 30, 0x000000, "bmp"),
				TestImages.pngHeaderOnly(28, 28));
		assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
			for (int i = 0; i < Fuzz.cases(1500); i++) {
				byte[] seed = seeds.get(i % seeds.size());
				byte[] bytes = i % 10 == 9 ? withRandomTail(seed) : fuzz.mutate(seed);
				decodeOrRefuse(bytes, "case " + i);
			}
		});
	}

	@Test
	void headersClaimingHugeOrEmptyImagesAreRefusedWithoutDecoding() {
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			for (int[] size : new int[][] { { 0, 0 }, { 0, 28 }, { 1, 0 }, { 100_000, 100_000 }, { 1 << 30, 1 << 30 },
					{ Integer.MAX_VALUE, Integer.MAX_VALUE }, { -1, -1 }, { 7000, 7000 } }) {
				assertThat(refused(TestImages.pngHeaderOnly(size[0], size[1])))
					.as("%dx%d", size[0], size[1])
					.isTrue();
			}
		});
	}

	@Test
	void emptyAndTinyBodiesAreRefused() {
		for (int length = 0; length < 16; length++) {
			assertThat(refused(fuzz.randomBytes(length))).as("%d random bytes", length).isTrue();
		}
	}

	private byte[] withRandomTail(byte[] seed) {
		int keep = Math.min(seed.length, 8 + fuzz.random().nextInt(32));
		byte[] bytes = fuzz.randomBytes(keep + fuzz.random().nextInt(4096));
		System.arraycopy(seed, 0, bytes, 0, keep);
		return bytes;
	}

	private void decodeOrRefuse(byte[] bytes, String which) {
		try {
			assertThat(decoder.decode(bytes, 28, 28, ImageDecoder.Invert.AUTO)).hasSize(784);
		}
		catch (InvalidImageException expected) {
			assertThat(expected.getStatusCode().value()).isEqualTo(400);
		}
		catch (RuntimeException | Error ex) {
			fail(which + " of seed " + fuzz.seed() + " threw " + ex, ex);
		}
	}

	private boolean refused(byte[] bytes) {
		try {
			decoder.decode(bytes, 28, 28, ImageDecoder.Invert.AUTO);
			return false;
		}
		catch (InvalidImageException expected) {
			return true;
		}
	}

}
