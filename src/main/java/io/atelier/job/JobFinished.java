package io.atelier.job;

/**
 * Published once when a job ends, however it ends. A {@link JobState#SUCCEEDED} job's final model is
 * on the volume by then.
 *
 * @param jobId the job
 * @param state how it ended
 * @param error why it failed or was cancelled, in words; {@code null} when it succeeded
 */
public record JobFinished(String jobId, JobState state, String error) {
}
