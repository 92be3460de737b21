package io.atelier.job;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.atelier.training.EpochResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JobEventsTests {

	private final JobEvents events = new JobEvents();

	private final CountDownLatch unblock = new CountDownLatch(1);

	@AfterEach
	void tearDown() {
		unblock.countDown();
		events.close();
	}

	@Test
	void aClientThatNeverReadsDelaysNoOtherAndIsClosedOnceItFallsBehind() {
		RecordingEmitter stalled = new RecordingEmitter(unblock);
		RecordingEmitter healthy = new RecordingEmitter(null);
		events.subscribe(running("j1"), stalled);
		events.subscribe(running("j1"), healthy);

		int epochs = JobEvents.BUFFER * 2;
		for (int epoch = 1; epoch <= epochs; epoch++) {
			events.epoch("j1", new EpochResult(epoch, 0.5, 0.8, 0.5, 0.8, 1, 0.1, 100));
			int sent = 1 + epoch;
			await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5)).until(() -> healthy.names.size() == sent);
		}
		events.ended(new JobFinished("j1", JobState.SUCCEEDED, null));

		await().atMost(Duration.ofSeconds(10)).until(() -> healthy.completed);
		assertThat(healthy.names).hasSize(1 + epochs + 1).startsWith("state").endsWith("end");
		assertThat(stalled.names).hasSizeLessThanOrEqualTo(1);

		unblock.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> stalled.completed);
		assertThat(stalled.names).hasSizeLessThanOrEqualTo(1 + JobEvents.BUFFER).doesNotContain("end");
	}

	@Test
	void theEndReachesAClientWhoseBufferIsFull() {
		RecordingEmitter slow = new RecordingEmitter(unblock);
		events.subscribe(running("j2"), slow);
		for (int i = 0; i < JobEvents.BUFFER - 2; i++) {
			events.epoch("j2", new EpochResult(i + 1, 0.5, 0.8, 0.5, 0.8, 1, 0.1, 100));
		}
		events.ended(new JobFinished("j2", JobState.FAILED, "<b>disk</b> full"));
		unblock.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> slow.completed);
		assertThat(slow.names).last().isEqualTo("end");
	}

	@Test
	void anEndedJobsStreamSaysSoAndCloses() {
		RecordingEmitter late = new RecordingEmitter(null);
		JobView ended = view("j3", JobState.CANCELLED);
		events.subscribe(ended, late);
		await().atMost(Duration.ofSeconds(10)).until(() -> late.completed);
		assertThat(late.names).containsExactly("state", "end");
	}

	private static JobView running(String id) {
		return view(id, JobState.RUNNING);
	}

	private static JobView view(String id, JobState state) {
		return new JobView(id, state, Hyperparameters.DEFAULTS, Progress.notStarted(10), List.of(), List.of(), null,
				List.of(), null, false, Instant.now(), null, null, null, 0);
	}

	/** Records the names of the events sent; blocks in its first send until released, when given a latch. */
	private static final class RecordingEmitter extends SseEmitter {

		final List<String> names = new CopyOnWriteArrayList<>();

		private final CountDownLatch blockUntil;

		volatile boolean completed;

		RecordingEmitter(CountDownLatch blockUntil) {
			this.blockUntil = blockUntil;
		}

		@Override
		public void send(SseEventBuilder builder) throws IOException {
			if (blockUntil != null) {
				try {
					blockUntil.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException(ex);
				}
			}
			String text = builder.build().iterator().next().getData().toString();
			names.add(text.lines().findFirst().orElseThrow().substring("event:".length()));
		}

		@Override
		public void complete() {
			completed = true;
		}

	}

}
