package io.atelier.job;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.atelier.training.EpochResult;
import jakarta.annotation.PreDestroy;

import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live job events as Server-Sent Events: {@code progress} at most once a second, {@code epoch} when
 * one finishes, and {@code end} with the final state. Each subscriber has a bounded buffer of its own,
 * drained by one sender at a time, so a slow client never holds up training nor another client; a
 * client that falls further behind than its buffer is closed, and {@code end} is never dropped.
 */
@Component
class JobEvents {

	/** Events a subscriber may be behind by before it is closed; an epoch is one, progress one a second. */
	static final int BUFFER = 256;

	private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

	private static final long STREAM_TIMEOUT = Duration.ofHours(24).toMillis();

	private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();

	private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

	private final ExecutorService senders = Executors.newCachedThreadPool(new CustomizableThreadFactory("job-events-"));

	/** A stream that starts with the job as it is now; an ended job's stream ends there too. */
	SseEmitter subscribe(JobView current) {
		return subscribe(current, new SseEmitter(STREAM_TIMEOUT));
	}

	SseEmitter subscribe(JobView current, SseEmitter emitter) {
		Subscriber subscriber = new Subscriber(emitter);
		if (current.state().isTerminal()) {
			subscriber.offer("state", current);
			subscriber.end(new End(current.id(), current.state(), current.error()));
			return emitter;
		}
		List<Subscriber> list = subscribers.computeIfAbsent(current.id(), key -> new CopyOnWriteArrayList<>());
		list.add(subscriber);
		Runnable remove = () -> list.remove(subscriber);
		emitter.onCompletion(remove);
		emitter.onTimeout(remove);
		emitter.onError(error -> remove.run());
		subscriber.offer("state", current);
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

	@EventListener
	void ended(JobFinished finished) {
		lastProgress.remove(finished.jobId());
		List<Subscriber> list = subscribers.remove(finished.jobId());
		if (list != null) {
			End end = new End(finished.jobId(), finished.state(), finished.error());
			list.forEach(subscriber -> subscriber.end(end));
		}
	}

	/** The jobs someone is following here now. */
	java.util.Set<String> followed() {
		return java.util.Set.copyOf(subscribers.keySet());
	}

	@PreDestroy
	void close() {
		subscribers.values().forEach(list -> list.forEach(subscriber -> subscriber.emitter.complete()));
		senders.shutdownNow();
	}

	private void broadcast(String id, String name, Object data) {
		List<Subscriber> list = subscribers.get(id);
		if (list != null) {
			list.forEach(subscriber -> subscriber.offer(name, data));
		}
	}

	/** The last event of a stream. */
	record End(String id, JobState state, String error) {
	}

	private record Event(String name, Object data, boolean last) {
	}

	/** One client's stream: its own queue, drained in order by at most one sender at a time. */
	private final class Subscriber {

		private final SseEmitter emitter;

		private final Deque<Event> queue = new ArrayDeque<>();

		private boolean draining;

		private boolean closed;

		Subscriber(SseEmitter emitter) {
			this.emitter = emitter;
		}

		void offer(String name, Object data) {
			enqueue(new Event(name, data, false));
		}

		/** The end goes in whatever the buffer holds: it is the one event a client must not miss. */
		void end(End end) {
			enqueue(new Event("end", end, true));
		}

		private void enqueue(Event event) {
			synchronized (this) {
				if (closed) {
					return;
				}
				if (queue.size() >= BUFFER && !event.last()) {
					// Fallen behind: close this stream rather than hold events for it or drop another's.
					closed = true;
					queue.clear();
					queue.add(new Event(null, null, true));
				}
				else {
					queue.add(event);
				}
				if (draining) {
					return;
				}
				draining = true;
			}
			senders.execute(this::drain);
		}

		private void drain() {
			while (true) {
				Event event;
				synchronized (this) {
					event = queue.poll();
					if (event == null) {
						draining = false;
						return;
					}
				}
				if (!send(event)) {
					return;
				}
			}
		}

		private boolean send(Event event) {
			try {
				if (event.name() != null) {
					emitter.send(SseEmitter.event().name(event.name()).data(event.data()));
				}
				if (event.last()) {
					markClosed();
					emitter.complete();
				}
				return !event.last();
			}
			catch (IOException | RuntimeException ex) {
				markClosed();
				return false;
			}
		}

		private synchronized void markClosed() {
			closed = true;
			queue.clear();
			draining = false;
		}

	}

}
