package io.atelier.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LiveJobTests {

	private final TestClock clock = new TestClock();

	@Test
	void theEtaOfAResumedJobCountsOnlyWhatThisProcessTrained() {
		Progress progress = progress(4, 3, 1, 10, Duration.ofSeconds(90));
		assertThat(progress.fraction()).isEqualTo(0.75);
		// Resumed at the start of epoch 3 of 4 and trained that epoch in 90 s: the last one takes as long.
		// Counting the restored half as this process's work would give a third of that.
		assertThat(progress.etaSeconds()).isCloseTo(90.0, within(1e-9));
	}

	@Test
	void aFreshJobsEtaIsTheElapsedTimeScaledByWhatRemains() {
		Progress progress = progress(2, 1, 1, 5, Duration.ofSeconds(10));
		assertThat(progress.fraction()).isEqualTo(0.25);
		assertThat(progress.etaSeconds()).isCloseTo(30.0, within(1e-9));
	}

	@Test
	void aJobWithoutABatchYetHasNoEta() {
		LiveJob waiting = new LiveJob(new Lease("job", 1), 3, clock);
		waiting.started();
		assertThat(waiting.progress()).isEqualTo(Progress.notStarted(3));
	}

	/**
	 * A job of {@code epochs} epochs of 10 batches, started in this process, that finished batch
	 * {@code first} of {@code epoch}, then batch {@code last} of it {@code between} later.
	 */
	private Progress progress(int epochs, int epoch, int first, int last, Duration between) {
		LiveJob job = new LiveJob(new Lease("job", 1), epochs, clock);
		job.started();
		job.batchFinished(epoch, first, 10);
		clock.advance(between);
		job.batchFinished(epoch, last, 10);
		return job.progress();
	}

	private static final class TestClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneId.of("UTC");
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

}
