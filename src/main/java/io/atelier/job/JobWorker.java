package io.atelier.job;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.atelier.system.AtelierProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * This process as a training worker: it claims jobs from the database while it has a free slot, runs
 * each on the bounded training pool, and renews their leases on a heartbeat, which also carries their
 * progress to the database and brings back a cancel asked through any replica. In the {@code api}
 * role it claims nothing. It starts claiming after {@link JobRecovery}, before the web server.
 */
@Component
class JobWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

	private final JobClaims claims;

	private final JobLeases leases;

	private final JobRunner runner;

	private final JobProperties properties;

	private final String workerId;

	private final boolean runsJobs;

	private final Clock clock = Clock.systemUTC();

	private final Map<String, LiveJob> live = new ConcurrentHashMap<>();

	private final ExecutorService training;

	private final ScheduledExecutorService heartbeat = Executors
		.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("job-heartbeat-"));

	private final Object wakeUp = new Object();

	private volatile boolean woken;

	private volatile Thread claimer;

	private volatile boolean shuttingDown;

	JobWorker(JobClaims claims, JobLeases leases, JobRunner runner, JobProperties properties, WorkerProperties worker,
			AtelierProperties atelier) {
		this.claims = claims;
		this.leases = leases;
		this.runner = runner;
		this.properties = properties;
		this.workerId = worker.id();
		this.runsJobs = atelier.role().runsJobs();
		this.training = Executors.newFixedThreadPool(properties.concurrency(), new CustomizableThreadFactory("job-"));
	}

	String id() {
		return workerId;
	}

	@Override
	public void start() {
		if (!runsJobs) {
			return;
		}
		long interval = properties.heartbeatInterval().toMillis();
		heartbeat.scheduleWithFixedDelay(this::renewLeases, interval, interval, TimeUnit.MILLISECONDS);
		Thread thread = new Thread(this::claimWhileRunning, "job-claims");
		thread.setDaemon(true);
		thread.start();
		claimer = thread;
		log.info("Worker {} claims jobs, {} at a time", workerId, properties.concurrency());
	}

	/** Looks for a job now rather than at the next poll: one was just queued here, or a slot freed. */
	void wakeUp() {
		synchronized (wakeUp) {
			woken = true;
			wakeUp.notifyAll();
		}
	}

	/** Progress within the current epoch, while this process runs the job. */
	Optional<Progress> progress(String id) {
		return Optional.ofNullable(live.get(id)).map(LiveJob::progress);
	}

	/** A job this process runs stops at its next batch; others hear of it on their next heartbeat. */
	void cancel(String id) {
		LiveJob running = live.get(id);
		if (running != null) {
			running.requestCancel();
		}
	}

	private void claimWhileRunning() {
		while (!shuttingDown) {
			if (live.size() < properties.concurrency() && claimNext()) {
				continue;
			}
			synchronized (wakeUp) {
				if (!woken && !shuttingDown) {
					try {
						wakeUp.wait(properties.pollInterval().toMillis());
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				woken = false;
			}
		}
	}

	private boolean claimNext() {
		try {
			Optional<Claim> claim = claims.next(workerId);
			claim.ifPresent(this::launch);
			return claim.isPresent();
		}
		catch (DataAccessException ex) {
			log.warn("Worker {} could not claim a job: {}", workerId, ex.getMessage());
			return false;
		}
	}

	private void launch(Claim claim) {
		LiveJob state = new LiveJob(claim.lease(), claim.job().hyperparameters().epochs(), clock);
		live.put(claim.lease().jobId(), state);
		log.info("Worker {} runs job {} (attempt {})", workerId, claim.lease().jobId(), claim.lease().attempt());
		training.execute(() -> run(claim, state));
	}

	private void run(Claim claim, LiveJob state) {
		try {
			state.started();
			runner.train(claim, state, () -> state.cancelRequested() || state.leaseLost() || shuttingDown);
		}
		finally {
			live.remove(claim.lease().jobId());
			wakeUp();
		}
	}

	private void renewLeases() {
		for (LiveJob job : live.values()) {
			try {
				JobLeases.Renewal renewal = leases.renew(job.lease(), job.position());
				if (!renewal.held()) {
					log.warn("Job {}: worker {} lost its lease (attempt {}); it stops and writes nothing more",
							job.lease().jobId(), workerId, job.lease().attempt());
					job.loseLease();
				}
				else if (renewal.cancelRequested()) {
					job.requestCancel();
				}
			}
			catch (DataAccessException ex) {
				// The lease runs on; the next heartbeat tries again, and the database decides who holds the job.
				log.warn("Job {}: worker {} could not renew its lease: {}", job.lease().jobId(), workerId,
						ex.getMessage());
			}
		}
	}

	@Override
	public void stop() {
		// Running jobs are stopped when the context closes, after the web server has drained.
	}

	@Override
	public boolean isRunning() {
		return claimer != null;
	}

	@Override
	public int getPhase() {
		return JobRecovery.PHASE + 1;
	}

	/**
	 * Claims no more; running jobs stop at their next batch, save where they stopped and hand the job
	 * back to the queue, for another worker or the next start to resume.
	 */
	@PreDestroy
	void shutdown() throws InterruptedException {
		shuttingDown = true;
		wakeUp();
		training.shutdown();
		if (!training.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
			log.warn("Training jobs did not stop within {}", properties.shutdownGrace());
		}
		heartbeat.shutdownNow();
	}

}
