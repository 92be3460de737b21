package io.atelier.dataset;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import io.atelier.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Whatever bytes a dataset file holds, reading it either succeeds consistently or says what is wrong. */
class IdxReaderFuzzTests {

	@TempDir
	Path tmp;

	private final Fuzz fuzz = new Fuzz();

	@Test
	void mutatedImageAndLabelFilesParseConsistentlyOrAreRefused() {
		byte[] images = IdxFixtures.images(20, 28, 28, fuzz.randomBytes(20 * 784));
		byte[] labels = IdxFixtures.labels(fuzz.randomBytes(20));
		for (int i = 0; i < Fuzz.cases(2000); i++) {
			byte[] mutatedImages = fuzz.mutate(images);
			byte[] mutatedLabels = fuzz.mutate(labels);
			try {
				IdxReader.Images parsed = IdxReader.images(mutatedImages, "fuzz");
				assertThat((long) parsed.count() * parsed.rows() * parsed.cols()).isEqualTo(parsed.pixels().length);
			}
			catch (IdxFormatException expected) {
				// refused with a reason: fine
			}
			catch (RuntimeException | Error ex) {
				fail("images case " + i + " of seed " + fuzz.seed() + " threw " + ex, ex);
			}
			try {
				assertThat(IdxReader.labels(mutatedLabels, "fuzz")).hasSize(mutatedLabels.length - 8);
			}
			catch (IdxFormatException expected) {
				// refused with a reason: fine
			}
			catch (RuntimeException | Error ex) {
				fail("labels case " + i + " of seed " + fuzz.seed() + " threw " + ex, ex);
			}
		}
	}

	@Test
	void aHeaderWhoseSizeOverflowsIsRefusedNotBelieved() {
		// 2^30 images of 2^17 x 2^17 pixels: the product wraps to 0 in 64 bits, so 16 bytes would "fit".
		byte[] header = ByteBuffer.allocate(16).putInt(IdxReader.IMAGES_MAGIC).putInt(1 << 30).putInt(1 << 17)
			.putInt(1 << 17).array();
		assertThatThrownBy(() -> IdxReader.images(header, "crafted")).isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("more than any file can hold");
	}

	@Test
	void mutatedGzipFilesDecompressOrAreRefused() throws Exception {
		byte[] gzip = IdxFixtures.gzip(IdxFixtures.images(5, 28, 28, fuzz.randomBytes(5 * 784)));
		Path file = tmp.resolve("fuzz.gz");
		for (int i = 0; i < Fuzz.cases(300); i++) {
			Files.write(file, fuzz.mutate(gzip));
			try {
				assertThat(IdxReader.gunzip(file, 1 << 20).length).isLessThanOrEqualTo(1 << 20);
			}
			catch (IdxFormatException | java.io.IOException expected) {
				// refused with a reason: fine
			}
			catch (RuntimeException | Error ex) {
				fail("gzip case " + i + " of seed " + fuzz.seed() + " threw " + ex, ex);
			}
		}
	}

}
