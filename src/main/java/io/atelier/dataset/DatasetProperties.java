package io.atelier.dataset;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where datasets are found, and what an uploaded one may be.
 *
 * @param fashionMnist the Fashion-MNIST source
 * @param idx more IDX datasets (MNIST and its kin), by the name jobs use for them
 * @param uploads the limits on image-folder archives sent to {@code POST /datasets}
 */
@Validated
@ConfigurationProperties("atelier.datasets")
record DatasetProperties(@Valid @DefaultValue FashionMnist fashionMnist, Map<String, @Valid Idx> idx,
		@Valid @DefaultValue Uploads uploads) {

	DatasetProperties {
		idx = idx == null ? Map.of() : Map.copyOf(idx);
	}

	/**
	 * @param dir a folder with the four IDX {@code .gz} files, looked at first
	 * @param systemDir where Debian's {@code dataset-fashion-mnist} package installs them, looked at next
	 * @param verifyChecksums check the SHA-256 of the official release; turn off only for a modified copy
	 * @param download fetch the files from {@code downloadUrl} into the data directory when not found
	 * @param downloadUrl the folder URL holding the four files
	 * @param downloadTimeout how long one file may take
	 */
	record FashionMnist(Path dir, @NotNull @DefaultValue("/usr/share/datasets/fashion-mnist") Path systemDir,
			@DefaultValue("true") boolean verifyChecksums, @DefaultValue("false") boolean download,
			@NotNull @DefaultValue("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/") URI downloadUrl,
			@NotNull @DefaultValue("10m") Duration downloadTimeout) {
	}

	/**
	 * One IDX dataset: four files in one folder, each plain or gzipped ({@code name} or {@code name.gz}).
	 *
	 * @param dir the folder
	 * @param classNames the class names by label; {@code 0} to {@code 9} (or to the largest label) when left out
	 * @param trainImages the training images' file name, without {@code .gz}
	 * @param trainLabels the training labels' file name, without {@code .gz}
	 * @param testImages the test images' file name, without {@code .gz}
	 * @param testLabels the test labels' file name, without {@code .gz}
	 * @param maxFileSize the most one file may hold, decompressed
	 */
	record Idx(@NotNull Path dir, List<String> classNames,
			@NotNull @DefaultValue("train-images-idx3-ubyte") String trainImages,
			@NotNull @DefaultValue("train-labels-idx1-ubyte") String trainLabels,
			@NotNull @DefaultValue("t10k-images-idx3-ubyte") String testImages,
			@NotNull @DefaultValue("t10k-labels-idx1-ubyte") String testLabels,
			@NotNull @DefaultValue("1GB") DataSize maxFileSize) {
	}

	/**
	 * Limits that an archive is held to while it is read, whatever its headers claim. The archive's own
	 * size is held to {@code spring.servlet.multipart.max-file-size}.
	 *
	 * @param maxEntries the most entries (files and folders) an archive may hold
	 * @param maxUncompressedSize the most bytes its entries may inflate to, all together
	 * @param maxImagePixels the most pixels one image may have, read from its header before decoding
	 * @param maxSide the largest height or width a dataset's images may be stored at
	 * @param maxStoredSize the most bytes a split's decoded images may take (images × channels × height × width)
	 * @param testFraction the share of each class held out as the test split, when the archive has no split
	 */
	record Uploads(@Min(1) @DefaultValue("200000") int maxEntries,
			@NotNull @DefaultValue("4GB") DataSize maxUncompressedSize,
			@Min(1) @DefaultValue("16777216") long maxImagePixels, @Min(1) @Max(4096) @DefaultValue("512") int maxSide,
			@NotNull @DefaultValue("1GB") DataSize maxStoredSize,
			@DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false)
			@DefaultValue("0.2") double testFraction) {

		Uploads {
			if (maxStoredSize != null && maxStoredSize.toBytes() > Integer.MAX_VALUE - 64) {
				// A split is one Java array in memory for training.
				throw new IllegalArgumentException("atelier.datasets.uploads.max-stored-size is at most 2GB");
			}
		}

	}

}
