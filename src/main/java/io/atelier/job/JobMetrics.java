package io.atelier.job;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.atelier.training.EpochResult;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Training as Prometheus sees it. Per-job series carry the job id only while the job runs, so the
 * label set stays bounded however many jobs the service has seen.
 */
@Component
class JobMetrics {

	private final MeterRegistry registry;

	private final Counter submitted;

	private final Map<JobState, Counter> finished = new EnumMap<>(JobState.class);

	private final Timer epochs;

	private final Timer batches;

	private final Map<String, RunningJob> running = new ConcurrentHashMap<>();

	JobMetrics(MeterRegistry registry, JobRepository jobs) {
		this.registry = registry;
		this.submitted = Counter.builder("atelier.jobs.submitted").description("Training jobs accepted").register(registry);
		for (JobState state : List.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)) {
			finished.put(state, Counter.builder("atelier.jobs.finished")
				.description("Training jobs that ended, by outcome")
				.tag("outcome", state.name().toLowerCase(java.util.Locale.ROOT))
				.register(registry));
		}
		for (JobState state : JobState.values()) {
			Gauge.builder("atelier.jobs", jobs, repository -> repository.countByState(state))
				.description("Training jobs by state")
				.tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
				.register(registry);
		}
		Gauge.builder("atelier.jobs.queue.depth", jobs, repository -> repository.countByState(JobState.QUEUED))
			.description("Jobs waiting for a worker to claim them")
			.register(registry);
		this.epochs = Timer.builder("atelier.training.epoch.duration")
			.description("Wall time of one epoch's training pass")
			.register(registry);
		this.batches = Timer.builder("atelier.training.batch.duration")
			.description("Wall time of one training step: forward, backward and optimizer update")
			.serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
					Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
					Duration.ofMillis(250))
			.register(registry);
	}

	void submitted() {
		submitted.increment();
	}

	/** A job ended; its per-job series go with it. */
	@EventListener
	void finished(JobFinished event) {
		Counter counter = finished.get(event.state());
		if (counter != null) {
			counter.increment();
		}
		RunningJob job = running.remove(event.jobId());
		if (job != null) {
			job.meters.forEach(registry::remove);
		}
	}

	void started(String id) {
		running.computeIfAbsent(id, key -> new RunningJob(key, registry));
	}

	void batch(long nanos) {
		batches.record(nanos, TimeUnit.NANOSECONDS);
	}

	void progress(String id, double epoch, double fraction) {
		RunningJob job = running.get(id);
		if (job != null) {
			job.epoch = epoch;
			job.fraction = fraction;
		}
	}

	void epoch(String id, EpochResult result) {
		epochs.record((long) (result.seconds() * 1e9), TimeUnit.NANOSECONDS);
		RunningJob job = running.get(id);
		if (job != null) {
			job.last = result;
		}
	}

	/** The live series of one running job, removed when it ends. */
	private static final class RunningJob {

		final List<Meter> meters;

		volatile double epoch;

		volatile double fraction;

		volatile EpochResult last;

		RunningJob(String id, MeterRegistry registry) {
			Tags tags = Tags.of("job", id);
			meters = List.of(
					gauge(registry, "atelier.job.epoch", "Epoch the running job is in", tags, job -> job.epoch),
					gauge(registry, "atelier.job.progress", "Fraction of the running job done", tags, job -> job.fraction),
					gauge(registry, "atelier.job.train.loss", "Last epoch's mean train loss", tags,
							job -> job.last == null ? Double.NaN : job.last.trainLoss()),
					gauge(registry, "atelier.job.train.accuracy", "Last epoch's train accuracy", tags,
							job -> job.last == null ? Double.NaN : job.last.trainAccuracy()),
					gauge(registry, "atelier.job.test.loss", "Last epoch's test loss", tags,
							job -> job.last == null ? Double.NaN : job.last.testLoss()),
					gauge(registry, "atelier.job.test.accuracy", "Last epoch's test accuracy", tags,
							job -> job.last == null ? Double.NaN : job.last.testAccuracy()),
					gauge(registry, "atelier.job.samples.per.second", "Last epoch's training images per second", tags,
							job -> job.last == null ? Double.NaN : job.last.samplesPerSecond()));
		}

		private Meter gauge(MeterRegistry registry, String name, String description, Tags tags,
				java.util.function.ToDoubleFunction<RunningJob> value) {
			return Gauge.builder(name, this, value).description(description).tags(tags).register(registry);
		}

	}

}
