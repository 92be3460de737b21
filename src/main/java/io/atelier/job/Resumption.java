package io.atelier.job;

import java.time.Instant;

/**
 * One time a job was interrupted and resumed.
 *
 * @param at when a worker took it up again
 * @param fromEpoch the epoch it continued, 1-based
 * @param fromBatch batches of that epoch that had been trained and were not repeated
 * @param reason what interrupted it and what it resumed from
 * @param worker the worker that resumed it
 */
record Resumption(Instant at, int fromEpoch, int fromBatch, String reason, String worker) {
}
