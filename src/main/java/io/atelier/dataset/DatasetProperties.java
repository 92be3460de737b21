package io.atelier.dataset;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where datasets are found.
 *
 * @param fashionMnist the Fashion-MNIST source
 */
@Validated
@ConfigurationProperties("atelier.datasets")
record DatasetProperties(@Valid @DefaultValue FashionMnist fashionMnist) {

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

}
