package io.atelier.job;

/**
 * One attempt's hold on a job. Every write of a running job is conditional on it, so that a worker
 * that was paused past its lease, and whose job another worker took over, writes nothing that is kept.
 */
record Lease(String jobId, int attempt) {
}
