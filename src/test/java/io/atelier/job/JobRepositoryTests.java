package io.atelier.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.atelier.training.EpochResult;
import io.atelier.training.Evaluation;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The job table and its children, on the schema Flyway builds, in an embedded database. */
@JdbcTest
@Import({ JobRepository.class, JobRepositoryTests.Json.class })
class JobRepositoryTests {

	private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

	@Autowired
	JobRepository jobs;

	@Autowired
	JdbcClient jdbc;

	@Test
	void pagesNewestFirst() {
		for (int i = 1; i <= 5; i++) {
			insert("job-" + i);
		}
		assertThat(jobs.count()).isEqualTo(5);
		assertThat(jobs.page(0, 2)).extracting(JobRecord::id).containsExactly("job-5", "job-4");
		assertThat(jobs.page(4, 2)).extracting(JobRecord::id).containsExactly("job-1");
		assertThat(jobs.findByState(JobState.QUEUED)).extracting(JobRecord::id)
			.as("oldest first, the order they were submitted in")
			.containsExactly("job-1", "job-2", "job-3", "job-4", "job-5");
	}

	@Test
	void keepsEachEpochOnceInOrder() {
		insert("job-1");
		jobs.markRunning("job-1", NOW);
		jobs.addEpoch("job-1", epoch(2));
		jobs.addEpoch("job-1", epoch(1));
		jobs.addEpochIfMissing("job-1", epoch(2));
		jobs.addEpochIfMissing("job-1", epoch(3));
		assertThat(jobs.findById("job-1").orElseThrow().history()).extracting(EpochResult::epoch)
			.containsExactly(1, 2, 3);
	}

	@Test
	void requeuesOnlyARunningJobAndNumbersItsResumptions() {
		insert("job-1");
		assertThat(jobs.requeue("job-1", resumption("not running"))).isFalse();
		jobs.markRunning("job-1", NOW);
		assertThat(jobs.requeue("job-1", resumption("first"))).isTrue();
		jobs.markRunning("job-1", NOW);
		assertThat(jobs.requeue("job-1", resumption("second " + "x".repeat(600)))).isTrue();
		JobRecord job = jobs.findById("job-1").orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.QUEUED);
		assertThat(job.resumes()).extracting(Resumption::reason).hasSize(2).first().isEqualTo("first");
		assertThat(job.resumes().get(1).reason()).hasSize(500);
	}

	@Test
	void endsAJobOnceWithItsEvaluation() {
		insert("job-1");
		Evaluation evaluation = Evaluation.of(List.of("a", "b"), new int[][] { { 3, 1 }, { 0, 4 } });
		assertThat(jobs.finish("job-1", JobState.SUCCEEDED, null, evaluation, NOW)).isTrue();
		assertThat(jobs.finish("job-1", JobState.FAILED, "too late", null, NOW)).isFalse();
		JobRecord job = jobs.findById("job-1").orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
		assertThat(job.evaluation().accuracy()).isEqualTo(0.875);
		assertThat(job.finishedAt()).isEqualTo(NOW);
		assertThat(jobs.countByState(JobState.SUCCEEDED)).isEqualTo(1);
	}

	@Test
	void deletingAJobDeletesItsEpochsAndResumptions() {
		insert("job-1");
		jobs.markRunning("job-1", NOW);
		jobs.addEpoch("job-1", epoch(1));
		jobs.requeue("job-1", resumption("crash"));
		jobs.delete("job-1");
		assertThat(jobs.findById("job-1")).isEmpty();
		assertThat(jdbc.sql("SELECT COUNT(*) FROM job_epochs").query(Integer.class).single()).isZero();
		assertThat(jdbc.sql("SELECT COUNT(*) FROM job_resumes").query(Integer.class).single()).isZero();
	}

	private void insert(String id) {
		jobs.insert(JobRecord.queued(id, Hyperparameters.DEFAULTS, NOW));
	}

	private static EpochResult epoch(int epoch) {
		return new EpochResult(epoch, 0.5, 0.8, 0.45, 0.83, 4.0, 0.3, 15000);
	}

	private static Resumption resumption(String reason) {
		return new Resumption(NOW.truncatedTo(ChronoUnit.MICROS), 1, 0, reason);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Json {

		@Bean
		JsonMapper jsonMapper() {
			return JsonMapper.builder().build();
		}

	}

}
