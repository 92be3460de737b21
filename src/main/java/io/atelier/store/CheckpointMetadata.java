package io.atelier.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON sidecar beside a checkpoint's parameters: enough to load and describe it without the
 * job database.
 *
 * @param jobId the job that wrote it
 * @param epoch the epoch after which it was written
 * @param architecture the network's architecture id
 * @param dataset the dataset it was trained on
 * @param classNames class names by output index
 * @param hyperparameters the job's effective hyperparameters
 * @param metrics the epoch's metrics
 * @param savedAt when it was written
 */
public record CheckpointMetadata(String jobId, int epoch, String architecture, String dataset,
		List<String> classNames, Map<String, Object> hyperparameters, Map<String, Object> metrics, Instant savedAt) {
}
