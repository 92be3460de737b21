package io.atelier.inference;

import java.time.Instant;
import java.util.List;

/**
 * A trained model as clients see it: every succeeded job is one.
 *
 * @param jobId the job that trained it, which is also its id
 * @param epoch the epoch its parameters come from
 * @param architecture the network
 * @param dataset what it was trained on
 * @param classNames class names by output index
 * @param testAccuracy accuracy on the dataset's test set after the last epoch
 * @param createdAt when it was saved
 * @param isDefault whether {@code POST /predict} uses it when no model is named
 */
record ModelSummary(String jobId, int epoch, String architecture, String dataset, List<String> classNames,
		Double testAccuracy, Instant createdAt, boolean isDefault) {
}
