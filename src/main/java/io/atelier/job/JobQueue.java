package io.atelier.job;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The jobs this process has queued or is running, on the bounded training pool: what only the
 * running process knows of them (progress within an epoch, the cancel flag the epoch loop polls).
 */
@Component
class JobQueue {

	private static final Logger log = LoggerFactory.getLogger(JobQueue.class);

	private final ThreadPoolExecutor executor;

	private final JobRepository jobs;

	private final JobRunner runner;

	private final JobCompletion completion;

	private final JobProperties properties;

	private final Clock clock = Clock.systemUTC();

	private final Map<String, LiveJob> live = new ConcurrentHashMap<>();

	private volatile boolean shuttingDown;

	JobQueue(ThreadPoolExecutor jobExecutor, JobRepository jobs, JobRunner runner, JobCompletion completion,
			JobProperties properties) {
		this.executor = jobExecutor;
		this.jobs = jobs;
		this.runner = runner;
		this.completion = completion;
		this.properties = properties;
	}

	/** @throws RejectedExecutionException when every slot of the queue is taken */
	void enqueue(JobRecord job) {
		LiveJob state = new LiveJob(job.hyperparameters().epochs(), clock);
		Runnable task = () -> run(job.id(), job.hyperparameters(), state);
		state.task(task);
		live.put(job.id(), state);
		try {
			executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			live.remove(job.id());
			throw ex;
		}
	}

	/** Progress within the current epoch, while this process runs the job. */
	Optional<Progress> progress(String id) {
		return Optional.ofNullable(live.get(id)).map(LiveJob::progress);
	}

	/** A queued job ends here and now; a running one stops at its next batch. */
	void cancel(JobRecord job) {
		LiveJob running = live.get(job.id());
		if (running != null) {
			running.requestCancel();
		}
		boolean neverStarted = running == null || executor.remove(running.task());
		if (job.state() == JobState.QUEUED && neverStarted && completion.cancelledBeforeStart(job.id())) {
			live.remove(job.id());
		}
	}

	/** Queued jobs stay queued in the database for the next start; running ones stop at their next batch. */
	@PreDestroy
	void shutdown() throws InterruptedException {
		shuttingDown = true;
		executor.getQueue().clear();
		executor.shutdown();
		if (!executor.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
			log.warn("Training jobs did not stop within {}", properties.shutdownGrace());
		}
	}

	private void run(String id, Hyperparameters hyperparameters, LiveJob state) {
		try {
			if (shuttingDown) {
				return;
			}
			if (state.cancelRequested()) {
				completion.cancelledBeforeStart(id);
				return;
			}
			if (!jobs.markRunning(id, Instant.now(clock))) {
				return;
			}
			state.started();
			runner.train(id, hyperparameters, state, () -> state.cancelRequested() || shuttingDown);
		}
		finally {
			live.remove(id);
		}
	}

}
