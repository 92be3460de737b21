package io.atelier.job;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.atelier.training.EpochResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class JobMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final JobRepository jobs = mock(JobRepository.class);

	private final JobMetrics metrics = new JobMetrics(registry, jobs);

	@Test
	void followsARunningJobAndDropsItsSeriesWhenItEnds() {
		metrics.submitted();
		metrics.started("j1");
		metrics.progress("j1", 2, 0.25);
		metrics.epoch("j1", new EpochResult(1, 0.5, 0.8, 0.45, 0.83, 4.0, 0.3, 15000));
		assertThat(registry.get("atelier.jobs.submitted").counter().count()).isEqualTo(1);
		assertThat(registry.get("atelier.job.progress").tag("job", "j1").gauge().value()).isEqualTo(0.25);
		assertThat(registry.get("atelier.job.test.accuracy").tag("job", "j1").gauge().value()).isEqualTo(0.83);
		assertThat(registry.get("atelier.training.epoch.duration").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(4.0);

		metrics.finished(new JobFinished("j1", JobState.SUCCEEDED, null));
		assertThat(registry.get("atelier.jobs.finished").tag("outcome", "succeeded").counter().count()).isEqualTo(1);
		assertThat(registry.find("atelier.job.progress").tag("job", "j1").gauge()).isNull();
	}

	@Test
	void countsJobsByStateAndTheQueueFromTheDatabase() {
		given(jobs.countByState(JobState.RUNNING)).willReturn(1);
		given(jobs.countByState(JobState.QUEUED)).willReturn(4);
		assertThat(registry.get("atelier.jobs").tag("state", "running").gauge().value()).isEqualTo(1);
		assertThat(registry.get("atelier.jobs").tag("state", "queued").gauge().value()).isEqualTo(4);
		assertThat(registry.get("atelier.jobs.queue.depth").gauge().value()).isEqualTo(4);
	}

	@Test
	void recordsTrainingSteps() {
		metrics.batch(2_000_000);
		metrics.batch(4_000_000);
		assertThat(registry.get("atelier.training.batch.duration").timer().count()).isEqualTo(2);
	}

}
