package io.atelier.dataset;

import java.util.List;

/**
 * A classification dataset loaded into memory: its name, the class names by label, and the two splits.
 */
public record LabeledDataset(String name, List<String> classNames, ImageSet train, ImageSet test) {

	public int classes() {
		return classNames.size();
	}

}
