package io.atelier.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.atelier.dataset.DatasetRegistry;
import lombok.RequiredArgsConstructor;

import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Accepts, reports and cancels training jobs. The database is the record of every job.
 */
@Service
@RequiredArgsConstructor
class JobService {

	private final JobRepository jobs;

	private final JobAdmission admission;

	private final JobWorker worker;

	private final JobViews views;

	private final JobEvents events;

	private final JobMetrics metrics;

	private final JobProperties properties;

	private final JobCompletion completion;

	private final DatasetRegistry datasets;

	/**
	 * Queues a job in the database, for whichever worker claims it first; admitted and recorded while
	 * no dataset is deleted here, so a job never names one that is gone.
	 */
	JobView submit(Hyperparameters request) {
		return datasets.whileUnchanged(() -> admitAndQueue(request));
	}

	private JobView admitAndQueue(Hyperparameters request) {
		Hyperparameters hyperparameters = admission.admit(request);
		// Replicas may admit at the same moment and overshoot by a few: a bound on waiting work, not a quota.
		if (jobs.countByState(JobState.QUEUED) >= properties.queueCapacity()) {
			throw new QueueFullException(properties.queueCapacity(), properties.retryAfter());
		}
		JobRecord job = JobRecord.queued(UUID.randomUUID().toString(), hyperparameters,
				Instant.now().truncatedTo(ChronoUnit.MICROS));
		jobs.insert(job);
		worker.wakeUp();
		metrics.submitted();
		return views.of(job);
	}

	Optional<JobView> find(String id) {
		return jobs.findById(id).map(views::of);
	}

	JobPage list(int page, int size) {
		long total = jobs.count();
		List<JobView> items = jobs.page(page * size, size).stream().map(views::of).toList();
		return new JobPage(items, page, size, total, (int) ((total + size - 1) / size));
	}

	/** Live events of a job; the stream opens with the job as it is now. */
	SseEmitter events(String id) {
		SseEmitter emitter = events.subscribe(find(id).orElseThrow(() -> new JobNotFoundException(id)));
		// The job may have ended between reading it and subscribing: then its end event was missed.
		JobView now = find(id).orElseThrow();
		if (now.state().isTerminal()) {
			events.ended(new JobFinished(id, now.state(), now.error()));
		}
		return emitter;
	}

	/**
	 * Idempotent: an ended job is returned as it is; a queued one ends now; a running one stops at its
	 * next batch, here at once, on another worker at its next heartbeat.
	 */
	JobView cancel(String id) {
		JobRecord job = jobs.findById(id).orElseThrow(() -> new JobNotFoundException(id));
		if (!job.state().isTerminal()) {
			jobs.requestCancel(id);
			if (!completion.cancelledBeforeStart(id)) {
				worker.cancel(id);
			}
		}
		return find(id).orElseThrow(() -> new JobNotFoundException(id));
	}

}
