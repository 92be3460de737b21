package io.atelier.job;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live job events as Server-Sent Events: {@code progress} at most once a second, {@code epoch} when
 * one finishes, and {@code end} with the final state. Events are delivered from a thread of their
 * own, so a slow client never holds up training, and a client that has gone is dropped at the first
 * failed write.
 */
@Component
class JobEvents {

	private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

	private static final long STREAM_TIMEOUT = Duration.ofHours(24).toMillis();

	private final Map<String, List<SseEmitter>> subscribers = new ConcurrentHashMap<>();

	private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

	private final ThreadPoolExecutor delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
			new ArrayBlockingQueue<>(10_000), new CustomizableThreadFactory("job-events-"),
			new ThreadPoolExecutor.DiscardOldestPolicy());

	/** A stream that starts with the job as it is now; an ended job's stream ends there too. */
	SseEmitter subscribe(JobView current) {
		SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT);
		if (current.state().isTerminal()) {
			delivery.execute(() -> {
				send(current.id(), emitter, "state", current);
				send(current.id(), emitter, "end", End.of(current));
				emitter.complete();
			});
			return emitter;
		}
		List<SseEmitter> list = subscribers.computeIfAbsent(current.id(), key -> new CopyOnWriteArrayList<>());
		list.add(emitter);
		Runnable remove = () -> list.remove(emitter);
		emitter.onCompletion(remove);
		emitter.onTimeout(remove);
		emitter.onError(error -> remove.run());
		delivery.execute(() -> send(current.id(), emitter, "state", current));
		return emitter;
	}

	void progress(String id, Progress progress) {
		long now = System.nanoTime();
		Long last = lastProgress.get(id);
		if (last != null && now - last < PROGRESS_INTERVAL.toNanos()) {
			return;
		}
		lastProgress.put(id, now);
		broadcast(id, "progress", progress);
	}

	void epoch(String id, EpochResult result) {
		broadcast(id, "epoch", result);
	}

	void ended(String id, JobState state, String error) {
		lastProgress.remove(id);
		List<SseEmitter> list = subscribers.remove(id);
		if (list == null) {
			return;
		}
		End end = new End(id, state, error);
		delivery.execute(() -> list.forEach(emitter -> {
			send(id, emitter, "end", end);
			emitter.complete();
		}));
	}

	@PreDestroy
	void close() {
		subscribers.values().forEach(list -> list.forEach(SseEmitter::complete));
		delivery.shutdownNow();
	}

	private void broadcast(String id, String name, Object data) {
		List<SseEmitter> list = subscribers.get(id);
		if (list != null && !list.isEmpty()) {
			delivery.execute(() -> list.forEach(emitter -> send(id, emitter, name, data)));
		}
	}

	private void send(String id, SseEmitter emitter, String name, Object data) {
		try {
			emitter.send(SseEmitter.event().name(name).data(data));
		}
		catch (IOException | IllegalStateException ex) {
			List<SseEmitter> list = subscribers.get(id);
			if (list != null) {
				list.remove(emitter);
			}
		}
	}

	/** The last event of a stream. */
	record End(String id, JobState state, String error) {

		static End of(JobView job) {
			return new End(job.id(), job.state(), job.error());
		}

	}

}
