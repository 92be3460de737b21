package io.atelier.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxReaderTests {

	@TempDir
	Path dir;

	@Test
	void readsImagesAndLabels() {
		byte[] pixels = { 0, 1, 2, 3, 4, 5, (byte) 255, 7, 8, 9, 10, 11 };
		IdxReader.Images images = IdxReader.images(IdxFixtures.images(2, 2, 3, pixels), "test");
		assertThat(images.count()).isEqualTo(2);
		assertThat(images.rows()).isEqualTo(2);
		assertThat(images.cols()).isEqualTo(3);
		assertThat(images.pixels()).containsExactly(pixels);
		assertThat(IdxReader.labels(IdxFixtures.labels(new byte[] { 3, 9 }), "test")).containsExactly(3, 9);
	}

	@Test
	void refusesTruncatedPixels() {
		byte[] content = IdxFixtures.images(2, 2, 3, new byte[12]);
		assertThatThrownBy(() -> IdxReader.images(Arrays.copyOf(content, content.length - 1), "images.gz"))
			.isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("images.gz")
			.hasMessageContaining("truncated");
	}

	@Test
	void refusesTruncatedHeader() {
		assertThatThrownBy(() -> IdxReader.labels(new byte[] { 0, 0, 8 }, "labels"))
			.isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("shorter than the 8-byte IDX header");
	}

	@Test
	void refusesWrongMagic() {
		byte[] labelsFile = IdxFixtures.labels(new byte[] { 1 });
		assertThatThrownBy(() -> IdxReader.images(Arrays.copyOf(labelsFile, 16), "x"))
			.isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("magic 0x00000801, expected 0x00000803");
	}

	@Test
	void refusesCountThatDisagreesWithContent() {
		byte[] content = IdxFixtures.labels(new byte[] { 1, 2, 3 });
		content[7] = 2;
		assertThatThrownBy(() -> IdxReader.labels(content, "x")).isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("trailing data");
		content[7] = 5;
		assertThatThrownBy(() -> IdxReader.labels(content, "x")).isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("truncated");
	}

	@Test
	void refusesNegativeCountsAndEmptyDimensions() {
		byte[] negative = IdxFixtures.labels(new byte[0]);
		negative[4] = (byte) 0x80;
		assertThatThrownBy(() -> IdxReader.labels(negative, "x")).hasMessageContaining("negative count");
		assertThatThrownBy(() -> IdxReader.images(IdxFixtures.images(1, 0, 3, new byte[0]), "x"))
			.hasMessageContaining("rows = 0");
	}

	@Test
	void refusesTruncatedAndNonGzipFiles() throws Exception {
		byte[] gz = IdxFixtures.gzip(IdxFixtures.labels(new byte[1000]));
		Path truncated = Files.write(dir.resolve("truncated.gz"), Arrays.copyOf(gz, gz.length / 2));
		assertThatThrownBy(() -> IdxReader.gunzip(truncated, 1 << 20)).isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("truncated");
		Path text = Files.writeString(dir.resolve("text.gz"), "not gzip at all");
		assertThatThrownBy(() -> IdxReader.gunzip(text, 1 << 20)).isInstanceOf(IdxFormatException.class)
			.hasMessageContaining("not a valid gzip file");
	}

	@Test
	void refusesFilesThatDecompressBeyondTheLimit() throws Exception {
		Path big = dir.resolve("big.gz");
		IdxFixtures.gzip(big, new byte[10_000]);
		assertThatThrownBy(() -> IdxReader.gunzip(big, 5_000)).hasMessageContaining("more than 5000 bytes");
	}

}
