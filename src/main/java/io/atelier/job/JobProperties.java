package io.atelier.job;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How training jobs are run.
 *
 * @param concurrency jobs trained at the same time; each already uses every core for its tensors
 * @param queueCapacity jobs that may wait for a free slot before submissions are refused with 503
 * @param retryAfter what a refused client is told to wait before trying again
 * @param shutdownGrace how long shutdown waits for running jobs to stop at their next batch and save
 * where they stopped
 * @param onRestart what becomes of jobs that were running when the service stopped or crashed
 * @param maxTrainingImages the most images one job may train on, epochs times training-set size: the
 * default is 100 epochs of Fashion-MNIST
 * @param leaseDuration how long a worker's claim on a job lasts unless renewed, timed by the database's
 * clock: a worker that is killed, cut off or paused this long loses the job to another
 * @param heartbeatInterval how often a worker renews its leases, reports progress within an epoch and
 * looks for a cancel asked through another replica
 * @param pollInterval how often an idle worker looks for a queued job in the database
 * @param maxAttempts how many times a job may lose its worker before it ends FAILED: a job that keeps
 * killing its workers (memory, a crash in native code) is not retried for ever
 */
@Validated
@ConfigurationProperties("atelier.jobs")
record JobProperties(@Min(1) @Max(64) @DefaultValue("1") int concurrency,
		@Min(1) @Max(100000) @DefaultValue("100") int queueCapacity,
		@NotNull @DefaultValue("30s") Duration retryAfter, @NotNull @DefaultValue("30s") Duration shutdownGrace,
		@NotNull @DefaultValue("resume") OnRestart onRestart, @Min(1) @DefaultValue("6000000") long maxTrainingImages,
		@NotNull @DefaultValue("30s") Duration leaseDuration, @NotNull @DefaultValue("2s") Duration heartbeatInterval,
		@NotNull @DefaultValue("1s") Duration pollInterval, @Min(1) @DefaultValue("3") int maxAttempts) {

	@AssertTrue(message = "atelier.jobs.heartbeat-interval must be under a third of atelier.jobs.lease-duration, "
			+ "so that a late heartbeat or two does not lose a lease")
	boolean isHeartbeatWellWithinLease() {
		return heartbeatInterval == null || leaseDuration == null
				|| heartbeatInterval.multipliedBy(3).compareTo(leaseDuration) < 0;
	}

	enum OnRestart {

		/** Continue from the last saved point: the resume point of a shutdown, else the last epoch. */
		RESUME,

		/** Mark the job FAILED, keeping its checkpoints. */
		FAIL

	}

}
