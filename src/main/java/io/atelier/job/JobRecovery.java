package io.atelier.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

import io.atelier.store.CheckpointStore;
import io.atelier.training.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * After a restart, jobs that were running, whether stopped by a shutdown or cut off by a crash, are
 * queued again to resume from what they left on the volume (or failed, if so configured); queued
 * ones are queued again. It runs before the web server takes requests: a job submitted earlier could
 * otherwise lose its checkpoint in the making to the clean-up of what a crash left half-written.
 */
@Component
class JobRecovery implements SmartLifecycle {

	/** The web server starts 1024 phases after graceful shutdown's phase; this comes first. */
	static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 2048;

	private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);

	private final JobRepository jobs;

	private final JobQueue queue;

	private final JobCompletion completion;

	private final CheckpointStore store;

	private final JsonMapper json;

	private final JobProperties properties;

	private volatile boolean recovered;

	JobRecovery(JobRepository jobs, JobQueue queue, JobCompletion completion, CheckpointStore store, JsonMapper json,
			JobProperties properties) {
		this.jobs = jobs;
		this.queue = queue;
		this.completion = completion;
		this.store = store;
		this.json = json;
		this.properties = properties;
	}

	@Override
	public void start() {
		store.removeIncomplete();
		for (JobRecord job : jobs.findByState(JobState.RUNNING)) {
			if (properties.onRestart() == JobProperties.OnRestart.FAIL) {
				completion.failed(job.id(), "Interrupted: the service stopped while this job was running (after epoch "
						+ job.history().size() + " of " + job.hyperparameters().epochs()
						+ "), and atelier.jobs.on-restart is FAIL. Its last checkpoint is kept.");
				continue;
			}
			requeue(job);
		}
		for (JobRecord job : jobs.findByState(JobState.QUEUED)) {
			try {
				queue.enqueue(job);
			}
			catch (RejectedExecutionException ex) {
				completion.failed(job.id(), "The job queue was full when the service restarted.");
			}
		}
		recovered = true;
	}

	private void requeue(JobRecord job) {
		Optional<TrainingRun.Resume> resume = StoredResume.latest(job.id(), store, json);
		String reason = "The service stopped while this job was running; "
				+ resume.map(StoredResume::describe).orElse("restarted from the beginning: no epoch had finished") + ".";
		jobs.requeue(job.id(), new Resumption(Instant.now().truncatedTo(ChronoUnit.MICROS),
				resume.map(TrainingRun.Resume::epoch).orElse(1), resume.map(TrainingRun.Resume::batch).orElse(0),
				reason));
		log.info("Job {}: {}", job.id(), reason);
	}

	@Override
	public void stop() {
		// Running jobs are stopped by the queue when the context closes, after the web server has drained.
	}

	@Override
	public boolean isRunning() {
		return recovered;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
