package io.atelier.inference;

import java.time.Instant;
import java.util.List;

import io.atelier.store.CheckpointMetadata;

/**
 * A model as clients see it: every succeeded job is one, and so is every imported model.
 *
 * @param jobId the model's id: the job that trained it, or the id given at import
 * @param epoch the epoch its parameters come from
 * @param architecture the network
 * @param dataset what it was trained on
 * @param classNames class names by output index
 * @param testAccuracy accuracy on the dataset's test set after the last epoch
 * @param createdAt when it was saved
 * @param isDefault whether {@code POST /predict} uses it when no model is named
 * @param source {@code trained} here or {@code imported}
 * @param name the name it was imported under, if any
 * @param input the images it takes (channels, height, width), which {@code /predict} resizes images to
 */
record ModelSummary(String jobId, int epoch, String architecture, String dataset, List<String> classNames,
		Double testAccuracy, Instant createdAt, boolean isDefault, String source, String name,
		CheckpointMetadata.Input input) {

	static final String TRAINED = "trained";

	static final String IMPORTED = "imported";

}
