package io.atelier.store;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A complete checkpoint on the volume: the parameters of one job after {@code epoch}, or its final
 * model. Only complete checkpoints are ever listed.
 *
 * @param jobId the job that wrote it
 * @param epoch the epoch after which it was written
 * @param finalModel whether it is the job's final model rather than an epoch checkpoint
 * @param directory where it lives
 * @param savedAt when it was written
 * @param sizeBytes its size on disk
 */
public record Checkpoint(String jobId, int epoch, boolean finalModel, Path directory, Instant savedAt,
		long sizeBytes) {
}
