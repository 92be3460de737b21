package io.atelier.dataset;

/**
 * Where one named dataset comes from. Fashion-MNIST is the first; MNIST digits and user-provided
 * datasets plug in here.
 */
interface DatasetSource {

	String name();

	/** Fails fast, without reading the data, when the files cannot be found. */
	void checkAvailable();

	/** Reads and verifies the whole dataset. */
	LabeledDataset load();

}
