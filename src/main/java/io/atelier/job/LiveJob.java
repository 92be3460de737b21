package io.atelier.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import lombok.RequiredArgsConstructor;

/**
 * What this worker knows of a job it runs, beyond the database: the lease it holds, the flags the
 * epoch loop polls (cancel asked, lease lost), and progress within the current epoch.
 */
@RequiredArgsConstructor
final class LiveJob {

	private final Lease lease;

	private final int epochs;

	private final Clock clock;

	private volatile boolean cancelRequested;

	private volatile boolean leaseLost;

	private volatile Instant started;

	private volatile int epoch;

	private volatile int batch;

	private volatile int batchesPerEpoch;

	/** The fraction done before the first batch this process trained: more than 0 for a resumed job. */
	private volatile double startFraction = -1;

	Lease lease() {
		return lease;
	}

	boolean leaseLost() {
		return leaseLost;
	}

	/** Another worker holds the job now, or it ended: this one stops at its next batch and writes nothing more. */
	void loseLease() {
		leaseLost = true;
	}

	/** Where the job is, for the database; null before its first batch. */
	JobRecord.Position position() {
		int batches = batchesPerEpoch;
		return batches == 0 ? null : new JobRecord.Position(epoch, batch, batches);
	}

	boolean cancelRequested() {
		return cancelRequested;
	}

	void requestCancel() {
		cancelRequested = true;
	}

	void started() {
		started = clock.instant();
	}

	void batchFinished(int epoch, int batch, int batchesPerEpoch) {
		if (startFraction < 0) {
			startFraction = ((epoch - 1) + (double) (batch - 1) / batchesPerEpoch) / epochs;
		}
		this.epoch = epoch;
		this.batch = batch;
		this.batchesPerEpoch = batchesPerEpoch;
	}

	Progress progress() {
		int batches = batchesPerEpoch;
		if (batches == 0) {
			return Progress.notStarted(epochs);
		}
		double fraction = ((epoch - 1) + (double) batch / batches) / epochs;
		double elapsed = Duration.between(started, clock.instant()).toNanos() / 1e9;
		// The rate is what this process has trained since it started, not what a resume restored.
		double done = fraction - Math.max(startFraction, 0);
		Double eta = done > 0 ? elapsed * (1 - fraction) / done : null;
		return new Progress(epoch, epochs, batch, batches, fraction, eta);
	}

}
