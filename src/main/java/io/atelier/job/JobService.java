package io.atelier.job;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.atelier.dataset.DatasetRegistry;
import io.atelier.dataset.DatasetUnavailableException;
import io.atelier.network.Architecture;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointStore;
import io.atelier.system.AtelierProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Accepts, runs, reports and cancels training jobs. The database is the record of every job; this
 * service adds what only the running process knows (progress within an epoch, cancel flags).
 */
@Service
class JobService {

	private static final Logger log = LoggerFactory.getLogger(JobService.class);

	private final JobRepository jobs;

	private final DatasetRegistry datasets;

	private final CheckpointStore store;

	private final ThreadPoolExecutor executor;

	private final JobProperties properties;

	private final Path dataDir;

	private final JobRunner runner;

	private final JobMetrics metrics;

	private final JobEvents events;

	private final Map<String, LiveJob> live = new ConcurrentHashMap<>();

	private volatile boolean shuttingDown;

	JobService(JobRepository jobs, DatasetRegistry datasets, CheckpointStore store, ThreadPoolExecutor jobExecutor,
			JobProperties properties, AtelierProperties atelier, JobRunner runner, JobMetrics metrics,
			JobEvents events) {
		this.jobs = jobs;
		this.datasets = datasets;
		this.store = store;
		this.executor = jobExecutor;
		this.properties = properties;
		this.dataDir = atelier.dataDir();
		this.runner = runner;
		this.metrics = metrics;
		this.events = events;
	}

	JobView submit(Hyperparameters request) {
		Hyperparameters hyperparameters = checkSupported(request.withDefaults());
		JobRecord job = JobRecord.queued(UUID.randomUUID().toString(), hyperparameters,
				Instant.now().truncatedTo(ChronoUnit.MICROS));
		jobs.insert(job);
		try {
			enqueue(job);
		}
		catch (RejectedExecutionException ex) {
			jobs.delete(job.id());
			throw new QueueFullException(properties.queueCapacity(), properties.retryAfter());
		}
		metrics.submitted();
		return view(job);
	}

	Optional<JobView> find(String id) {
		return jobs.findById(id).map(this::view);
	}

	JobPage list(int page, int size) {
		long total = jobs.count();
		List<JobView> items = jobs.page(page * size, size).stream().map(this::view).toList();
		return new JobPage(items, page, size, total, (int) ((total + size - 1) / size));
	}

	/** Live events of a job; the stream opens with the job as it is now. */
	SseEmitter events(String id) {
		SseEmitter emitter = events.subscribe(find(id).orElseThrow(() -> new JobNotFoundException(id)));
		// The job may have ended between reading it and subscribing: then its end event was missed.
		JobView now = find(id).orElseThrow();
		if (now.state().isTerminal()) {
			events.ended(id, now.state(), now.error());
		}
		return emitter;
	}

	/** Idempotent: an ended job is returned as it is; a running one stops at its next batch. */
	JobView cancel(String id) {
		JobRecord job = jobs.findById(id).orElseThrow(() -> new JobNotFoundException(id));
		if (job.state().isTerminal()) {
			return view(job);
		}
		jobs.requestCancel(id);
		LiveJob running = live.get(id);
		if (running != null) {
			running.requestCancel();
		}
		boolean neverStarted = running == null || executor.remove(running.task());
		if (job.state() == JobState.QUEUED && neverStarted
				&& jobs.finish(id, JobState.CANCELLED, "Cancelled before it started.", null, Instant.now())) {
			live.remove(id);
			metrics.finished(id, JobState.CANCELLED);
			events.ended(id, JobState.CANCELLED, "Cancelled before it started.");
		}
		return find(id).orElseThrow(() -> new JobNotFoundException(id));
	}

	/**
	 * After a restart, jobs that were running, whether stopped by a shutdown or cut off by a crash,
	 * are queued again to resume from what they left on the volume (or failed, if so configured);
	 * queued ones are queued again.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void recover() {
		store.removeIncomplete();
		for (JobRecord job : jobs.findByState(JobState.RUNNING)) {
			if (properties.onRestart() == JobProperties.OnRestart.FAIL) {
				jobs.finish(job.id(), JobState.FAILED, "Interrupted: the service stopped while this job was running"
						+ " (after epoch " + job.history().size() + " of " + job.hyperparameters().epochs()
						+ "), and atelier.jobs.on-restart is FAIL. Its last checkpoint is kept.", null, Instant.now());
				continue;
			}
			Optional<TrainingRun.Resume> resume = runner.resumeFrom(job.id());
			String reason = "The service stopped while this job was running; "
					+ resume.map(StoredResume::describe).orElse("restarted from the beginning: no epoch had finished")
					+ ".";
			jobs.requeue(job.id(), new Resumption(Instant.now().truncatedTo(ChronoUnit.MICROS),
					resume.map(TrainingRun.Resume::epoch).orElse(1), resume.map(TrainingRun.Resume::batch).orElse(0),
					reason));
			log.info("Job {}: {}", job.id(), reason);
		}
		for (JobRecord job : jobs.findByState(JobState.QUEUED)) {
			try {
				enqueue(job);
			}
			catch (RejectedExecutionException ex) {
				jobs.finish(job.id(), JobState.FAILED, "The job queue was full when the service restarted.", null,
						Instant.now());
			}
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

	private Hyperparameters checkSupported(Hyperparameters hyperparameters) {
		if (Architecture.byId(hyperparameters.architecture()).isEmpty()) {
			throw new InvalidJobException(HttpStatus.BAD_REQUEST, "Invalid hyperparameters", "architecture",
					hyperparameters.architecture(), "Unknown architecture; known: " + Architecture.ids());
		}
		if (!datasets.names().contains(hyperparameters.dataset())) {
			throw new InvalidJobException(HttpStatus.BAD_REQUEST, "Invalid hyperparameters", "dataset",
					hyperparameters.dataset(), "Unknown dataset; known: " + datasets.names());
		}
		int available;
		try {
			// Reads and verifies the data on the first submission only (0.6 s for Fashion-MNIST); the job
			// would wait for the same load, and a missing or corrupt dataset is refused here, not later.
			available = datasets.get(hyperparameters.dataset()).train().count();
		}
		catch (DatasetUnavailableException ex) {
			throw new InvalidJobException(HttpStatus.CONFLICT, "Dataset unavailable", "dataset",
					hyperparameters.dataset(), ex.getMessage());
		}
		Integer limit = hyperparameters.trainLimit();
		long images = (long) hyperparameters.epochs() * (limit == null ? available : Math.min(limit, available));
		if (images > properties.maxTrainingImages()) {
			throw new InvalidJobException(HttpStatus.BAD_REQUEST, "Invalid hyperparameters", "epochs",
					hyperparameters.epochs(), "epochs x training images = " + images + ", more than the "
							+ properties.maxTrainingImages() + " one job may train on (atelier.jobs.max-training-images)");
		}
		return hyperparameters;
	}

	private void enqueue(JobRecord job) {
		LiveJob state = new LiveJob(job.hyperparameters().epochs());
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

	private void run(String id, Hyperparameters hyperparameters, LiveJob state) {
		try {
			if (shuttingDown) {
				return;
			}
			if (state.cancelRequested()) {
				if (jobs.finish(id, JobState.CANCELLED, "Cancelled before it started.", null, Instant.now())) {
					metrics.finished(id, JobState.CANCELLED);
					events.ended(id, JobState.CANCELLED, "Cancelled before it started.");
				}
				return;
			}
			if (!jobs.markRunning(id, Instant.now())) {
				return;
			}
			state.started();
			runner.train(id, hyperparameters, state, () -> state.cancelRequested() || shuttingDown);
		}
		finally {
			live.remove(id);
		}
	}

	private JobView view(JobRecord job) {
		LiveJob state = live.get(job.id());
		Progress progress = state != null && job.state() == JobState.RUNNING ? state.progress()
				: finishedProgress(job);
		List<JobView.CheckpointView> checkpoints = store.list(job.id()).stream().map(this::checkpointView).toList();
		return new JobView(job.id(), job.state(), job.hyperparameters(), progress, job.history(), job.resumes(),
				job.evaluation(),
				checkpoints, job.error(), job.cancelRequested(), job.createdAt(), job.startedAt(), job.finishedAt());
	}

	private static Progress finishedProgress(JobRecord job) {
		int epochs = job.hyperparameters().epochs();
		int done = job.history().size();
		if (job.state() == JobState.SUCCEEDED) {
			return new Progress(epochs, epochs, 0, 0, 1.0, 0.0);
		}
		return new Progress(done, epochs, 0, 0, (double) done / epochs, null);
	}

	private JobView.CheckpointView checkpointView(Checkpoint checkpoint) {
		String path = dataDir.toAbsolutePath().relativize(checkpoint.directory().toAbsolutePath()).toString();
		return new JobView.CheckpointView(checkpoint.epoch(), checkpoint.finalModel(), path, checkpoint.sizeBytes(),
				checkpoint.savedAt());
	}

}
