package io.atelier.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveJobTests {

	@Test
	void theEtaOfAResumedJobCountsOnlyWhatThisProcessTrained() throws InterruptedException {
		long start = System.nanoTime();
		LiveJob resumed = new LiveJob(4);
		resumed.started();
		resumed.batchFinished(3, 1, 10);
		Thread.sleep(200);
		resumed.batchFinished(3, 10, 10);
		Progress progress = resumed.progress();
		double elapsed = (System.nanoTime() - start) / 1e9;
		assertThat(progress.fraction()).isEqualTo(0.75);
		// Resumed at the start of epoch 3 of 4 and trained that epoch since: the last one takes as long.
		// Counting the restored half as this process's work would give a third of that.
		assertThat(progress.etaSeconds()).isBetween(0.6 * elapsed, elapsed);
	}

	@Test
	void aFreshJobsEtaIsTheElapsedTimeScaledByWhatRemains() throws InterruptedException {
		LiveJob fresh = new LiveJob(2);
		fresh.started();
		Thread.sleep(100);
		fresh.batchFinished(1, 5, 10);
		assertThat(fresh.progress().etaSeconds()).isGreaterThan(0.2);
	}

}
