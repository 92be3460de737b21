package io.atelier.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * IDX datasets named in the configuration: gzipped or plain files, class names given or defaulted, and
 * the files' defects reported as an unavailable dataset.
 */
class IdxDirectorySourceTests {

	@TempDir
	Path tmp;

	@Test
	void gzippedFilesWithoutClassNamesAreTheDigitsZeroToNine() throws IOException {
		IdxFixtures.write(tmp, 50, 20);
		LabeledDataset dataset = source(null).load();
		assertThat(dataset.name()).isEqualTo("mnist");
		assertThat(dataset.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
		assertThat(dataset.train().count()).isEqualTo(50);
		assertThat(dataset.test().count()).isEqualTo(20);
		assertThat(dataset.kind()).isEqualTo(LabeledDataset.Kind.IDX);
		assertThat(DatasetView.of(dataset).test().perClass().get("3")).isEqualTo(2);
	}

	@Test
	void labelsBeyondNineGetNamesUpToTheLargest() throws IOException {
		write(tmp, "train", new byte[] { 0, 12 });
		write(tmp, "t10k", new byte[] { 3 });
		assertThat(source(null).load().classNames()).hasSize(13).endsWith("12");
	}

	@Test
	void aLabelWithoutAConfiguredNameMakesTheDatasetUnavailable() throws IOException {
		write(tmp, "train", new byte[] { 0, 2 });
		write(tmp, "t10k", new byte[] { 1 });
		assertThat(source(List.of("a", "b", "c")).load().classNames()).containsExactly("a", "b", "c");
		assertThatThrownBy(() -> source(List.of("a", "b")).load()).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("label 2 has no class name");
	}

	@Test
	void missingFilesAreNamedWithTheFolderAndTheSettingToFixIt() throws IOException {
		IdxFixtures.write(tmp, 10, 10);
		Files.delete(tmp.resolve("t10k-labels-idx1-ubyte.gz"));
		assertThatThrownBy(() -> source(null).checkAvailable()).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("t10k-labels-idx1-ubyte")
			.hasMessageContaining("atelier.datasets.idx.mnist.dir");
	}

	@Test
	void trainingAndTestImagesOfDifferentSizesAreRefused() throws IOException {
		Files.write(tmp.resolve("train-images-idx3-ubyte"), IdxFixtures.images(1, 2, 2, new byte[4]));
		Files.write(tmp.resolve("train-labels-idx1-ubyte"), IdxFixtures.labels(new byte[1]));
		Files.write(tmp.resolve("t10k-images-idx3-ubyte"), IdxFixtures.images(1, 3, 3, new byte[9]));
		Files.write(tmp.resolve("t10k-labels-idx1-ubyte"), IdxFixtures.labels(new byte[1]));
		assertThatThrownBy(() -> source(null).load()).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("1x2x2 but the test images 1x3x3");
	}

	private IdxDirectorySource source(List<String> classNames) {
		return new IdxDirectorySource("mnist", new DatasetProperties.Idx(tmp, classNames, "train-images-idx3-ubyte",
				"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", DataSize.ofMegabytes(10)));
	}

	/** Plain (not gzipped) files of 2×2 images with these labels. */
	private static void write(Path dir, String prefix, byte[] labels) throws IOException {
		Files.write(dir.resolve(prefix + "-images-idx3-ubyte"),
				IdxFixtures.images(labels.length, 2, 2, new byte[labels.length * 4]));
		Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxFixtures.labels(labels));
	}

}
