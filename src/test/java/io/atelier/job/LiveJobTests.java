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
		LiveJob resumed = new LiveJob(new Lease("job", 1), 4, clock);
		resumed.started();
		resumed.batchFinished(3, 1, 10);
		clock.advance(Duration.ofSeconds(90));
		resumed.batchFinished(3, 10, 10);
		Progress progress = resumed.progress();
		assertThat(progress.fraction()).isEqualTo(0.75);
		// Resumed at the start of epoch 3 of 4 and trained that epoch in 90 s: the last one takes as long.
		// Counting the restored half as this process's work would give a third of that.
		assertThat(progress.etaSeconds()).isCloseTo(90.0, within(1e-9));
	}

	@Test
	void aFreshJobsEtaIsTheElapsedTimeScaledByWhatRemains() {
		LiveJob fresh = new LiveJob(new Lease("job", 1), 2, clock);
		fresh.started();
		fresh.batchFinished(1, 1, 10);
		clock.advance(Duration.ofSeconds(10));
		fresh.batchFinished(1, 5, 10);
		assertThat(fresh.progress().fraction()).isEqualTo(0.25);
		assertThat(fresh.progress().etaSeconds()).isCloseTo(30.0, within(1e-9));
	}

	@Test
	void aJobWithoutABatchYetHasNoEta() {
		LiveJob waiting = new LiveJob(new Lease("job", 1), 3, clock);
		waiting.started();
		assertThat(waiting.progress()).isEqualTo(Progress.notStarted(3));
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
