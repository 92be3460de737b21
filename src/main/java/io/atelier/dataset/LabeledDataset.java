package io.atelier.dataset;

import java.util.List;

/**
 * A classification dataset loaded into memory: its name, the class names by label, the two splits,
 * and where it came from.
 */
public record LabeledDataset(String name, List<String> classNames, ImageSet train, ImageSet test, Kind kind) {

	/** An IDX dataset, the kind every dataset was before image folders. */
	public LabeledDataset(String name, List<String> classNames, ImageSet train, ImageSet test) {
		this(name, classNames, train, test, Kind.IDX);
	}

	public int classes() {
		return classNames.size();
	}

	/**
	 * How the images were given. MNIST-style IDX images are light objects on black, unlike most photos,
	 * so serving may invert light-bordered images for their models; image folders are taken as they are.
	 */
	public enum Kind {

		IDX, IMAGE_FOLDER

	}

}
