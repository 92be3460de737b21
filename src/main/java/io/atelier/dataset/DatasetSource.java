package io.atelier.dataset;

import java.util.Optional;

/**
 * Where one named dataset comes from: Fashion-MNIST, an IDX folder named in the configuration, or an
 * uploaded image folder.
 */
interface DatasetSource {

	String name();

	/** Fails fast, without reading the data, when the files cannot be found. */
	void checkAvailable();

	/** Reads and verifies the whole dataset. */
	LabeledDataset load();

	/** What is known of the dataset without reading it; empty when only reading it tells. */
	default Optional<DatasetView> describe() {
		return Optional.empty();
	}

	/** Whether the API may delete it: uploaded datasets, not configured ones. */
	default boolean deletable() {
		return false;
	}

}
