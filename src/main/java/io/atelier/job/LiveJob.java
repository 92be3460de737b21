package io.atelier.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What this process knows of a job it has queued or is running, beyond the database: its task in
 * the executor, the cancel flag the epoch loop polls, and progress within the current epoch.
 */
final class LiveJob {

	private final int epochs;

	private final Clock clock;

	private volatile Runnable task;

	private volatile boolean cancelRequested;

	private volatile Instant started;

	private volatile int epoch;

	private volatile int batch;

	private volatile int batchesPerEpoch;

	/** The fraction done before the first batch this process trained: more than 0 for a resumed job. */
	private volatile double startFraction = -1;

	LiveJob(int epochs, Clock clock) {
		this.epochs = epochs;
		this.clock = clock;
	}

	Runnable task() {
		return task;
	}

	void task(Runnable task) {
		this.task = task;
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
