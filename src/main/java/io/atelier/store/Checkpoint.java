package io.atelier.store;

import java.time.Instant;

/**
 * A complete checkpoint in the store: the parameters of one job after {@code epoch}, or its final
 * model. Only complete checkpoints are ever listed.
 *
 * @param jobId the job that wrote it
 * @param epoch the epoch after which it was written
 * @param finalModel whether it is the job's final model rather than an epoch checkpoint
 * @param location where it lives, relative to the store's root (the data directory or the bucket's
 * prefix), such as {@code jobs/<job>/checkpoints/epoch-0003}
 * @param savedAt when it was written
 * @param sizeBytes the size of its parameters and metadata
 */
public record Checkpoint(String jobId, int epoch, boolean finalModel, String location, Instant savedAt,
		long sizeBytes) {
}
