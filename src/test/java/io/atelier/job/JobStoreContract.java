package io.atelier.job;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.ModelCatalog;
import io.atelier.store.StoredModel;
import io.atelier.training.EpochResult;
import io.atelier.training.Evaluation;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The job store and workers' claims on it, on the schema Flyway builds: the same contract on every
 * database Atelier supports, each a subclass. Each test runs in a transaction rolled back after it,
 * declared here because the test methods are.
 */
@Transactional
abstract class JobStoreContract {

	static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

	@Autowired
	JobRepository jobs;

	@Autowired
	JobClaims claims;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	JobCompletion completion;

	/** Stands in for the catalogue, which a test of its own covers on both databases. */
	@MockitoBean
	ModelCatalog models;

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
	void aWorkerClaimsTheOldestQueuedJobAndNoJobTwice() {
		insert("job-1");
		insert("job-2");
		Claim first = claims.next("w1").orElseThrow();
		assertThat(first.lease()).isEqualTo(new Lease("job-1", 1));
		assertThat(first.resumed()).isFalse();
		assertThat(claims.next("w2").orElseThrow().lease()).isEqualTo(new Lease("job-2", 1));
		assertThat(claims.next("w3")).isEmpty();
		JobRecord running = jobs.findById("job-1").orElseThrow();
		assertThat(running.state()).isEqualTo(JobState.RUNNING);
		assertThat(running.worker()).isEqualTo("w1");
		assertThat(running.attempt()).isEqualTo(1);
		assertThat(running.startedAt()).isNotNull();
	}

	@Test
	void aJobWhoseLeaseRanOutGoesToAnotherWorkerAndTheEarlierAttemptCanWriteNothing() {
		insert("job-1");
		Lease earlier = claims.next("w1").orElseThrow().lease();
		assertThat(jobs.addEpoch(earlier, epoch(1))).isTrue();
		assertThat(claims.next("w2")).as("the lease still runs").isEmpty();

		expireLease("job-1");
		Claim takeover = claims.next("w2").orElseThrow();
		assertThat(takeover.lease()).isEqualTo(new Lease("job-1", 2));
		assertThat(takeover.abandoned()).isTrue();
		assertThat(takeover.previousWorker()).isEqualTo("w1");

		assertThat(jobs.addEpoch(earlier, epoch(2))).isFalse();
		assertThat(jobs.addResumption(earlier, resumption("stale"))).isFalse();
		assertThat(jobs.finish(earlier, JobState.SUCCEEDED, null, null, NOW)).isFalse();
		assertThat(jobs.release(earlier)).isFalse();

		assertThat(jobs.addEpochIfMissing(takeover.lease(), epoch(1))).isTrue();
		assertThat(jobs.addEpoch(takeover.lease(), epoch(2))).isTrue();
		assertThat(jobs.finish(takeover.lease(), JobState.SUCCEEDED, null, null, NOW)).isTrue();
		JobRecord job = jobs.findById("job-1").orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
		assertThat(job.worker()).isEqualTo("w2");
		assertThat(job.history()).extracting(EpochResult::epoch).containsExactly(1, 2);
	}

	@Test
	void onlyTheAttemptThatHoldsTheJobPointsItAtACheckpoint() {
		insert("job-1");
		Lease earlier = claims.next("w1").orElseThrow().lease();
		assertThat(jobs.resumeLocations("job-1").none()).isTrue();
		assertThat(jobs.pointToResumePoint(earlier, "jobs/job-1/resume-a1")).isTrue();
		assertThat(jobs.pointToCheckpoint(earlier, "jobs/job-1/checkpoints/epoch-0001-a1")).isTrue();
		assertThat(jobs.resumeLocations("job-1"))
			.as("an epoch checkpoint supersedes the resume point")
			.isEqualTo(new ResumeLocations("jobs/job-1/checkpoints/epoch-0001-a1", null, null));

		expireLease("job-1");
		Lease takeover = claims.next("w2").orElseThrow().lease();
		assertThat(jobs.pointToCheckpoint(earlier, "jobs/job-1/checkpoints/epoch-0002-a1")).isFalse();
		assertThat(jobs.pointToResumePoint(earlier, "jobs/job-1/resume-a1")).isFalse();
		assertThat(jobs.pointToBest(earlier, "jobs/job-1/best-0001-a1")).isFalse();
		assertThat(jobs.pointToResumePoint(takeover, "jobs/job-1/resume-a2")).isTrue();
		assertThat(jobs.pointToBest(takeover, "jobs/job-1/best-0001-a2")).isTrue();
		assertThat(jobs.resumeLocations("job-1")).isEqualTo(new ResumeLocations(
				"jobs/job-1/checkpoints/epoch-0001-a1", "jobs/job-1/resume-a2", "jobs/job-1/best-0001-a2"));
	}

	@Test
	void aSucceededJobsModelIsRecordedWithItsEndAndALostAttemptsIsNot() {
		insert("job-1");
		Lease earlier = claims.next("w1").orElseThrow().lease();
		expireLease("job-1");
		Lease takeover = claims.next("w2").orElseThrow().lease();
		StoredModel lostAttempts = model("jobs/job-1/model-a1");
		StoredModel holders = model("jobs/job-1/model-a2");

		assertThat(completion.succeeded(earlier, null, lostAttempts)).isFalse();
		verify(models, never()).register(lostAttempts);
		assertThat(completion.succeeded(takeover, null, holders)).isTrue();
		verify(models).register(holders);
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void aModelThatCannotBeRecordedLeavesTheJobRunning() {
		try {
			insert("unrecorded");
			Lease lease = claims.next("w1").orElseThrow().lease();
			StoredModel model = model("jobs/unrecorded/model-a1");
			willThrow(new IllegalStateException("database gone")).given(models).register(model);

			assertThatThrownBy(() -> completion.succeeded(lease, null, model)).hasMessage("database gone");
			assertThat(jobs.findById("unrecorded").orElseThrow().state()).isEqualTo(JobState.RUNNING);
		}
		finally {
			jdbc.sql("DELETE FROM jobs").update();
		}
	}

	@Test
	void aJobHandedBackAtShutdownIsClaimedAgainWithoutCountingAsLost() {
		insert("job-1");
		Lease first = claims.next("w1").orElseThrow().lease();
		assertThat(jobs.release(first)).isTrue();
		assertThat(jobs.findById("job-1").orElseThrow().state()).isEqualTo(JobState.QUEUED);
		Claim again = claims.next("w2").orElseThrow();
		assertThat(again.resumed()).isTrue();
		assertThat(again.abandoned()).isFalse();
		assertThat(again.previousWorker()).isEqualTo("w1");
	}

	@Test
	void aJobThatKeepsLosingItsWorkerEndsFailedAfterMaxAttempts() {
		insert("job-1");
		for (int attempt = 1; attempt <= JobStoreContract.Config.MAX_ATTEMPTS; attempt++) {
			assertThat(claims.next("w" + attempt).orElseThrow().lease().attempt()).isEqualTo(attempt);
			expireLease("job-1");
		}
		assertThat(claims.next("w-last")).isEmpty();
		JobRecord job = jobs.findById("job-1").orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.FAILED);
		assertThat(job.error()).contains("stopped while running it " + Config.MAX_ATTEMPTS + " times")
			.contains("max-attempts");
	}

	@Test
	void aCancelAskedWhileItsWorkerWasGoneEndsTheJobInsteadOfResumingIt() {
		insert("job-1");
		claims.next("w1").orElseThrow();
		jobs.requestCancel("job-1");
		expireLease("job-1");
		assertThat(claims.next("w2")).isEmpty();
		assertThat(jobs.findById("job-1").orElseThrow().state()).isEqualTo(JobState.CANCELLED);
	}

	@Test
	void aQueuedJobIsCancelledOnlyWhileNoWorkerHasIt() {
		insert("job-1");
		insert("job-2");
		assertThat(jobs.finishQueued("job-1", JobState.CANCELLED, "no", NOW)).isTrue();
		claims.next("w1").orElseThrow();
		assertThat(jobs.finishQueued("job-2", JobState.CANCELLED, "too late", NOW)).isFalse();
	}

	@Test
	void numbersResumptionsAndCutsLongReasons() {
		insert("job-1");
		Lease lease = claims.next("w1").orElseThrow().lease();
		assertThat(jobs.addResumption(lease, resumption("first"))).isTrue();
		assertThat(jobs.addResumption(lease, resumption("second " + "x".repeat(600)))).isTrue();
		JobRecord job = jobs.findById("job-1").orElseThrow();
		assertThat(job.resumes()).extracting(Resumption::reason).hasSize(2).first().isEqualTo("first");
		assertThat(job.resumes().get(1).reason()).hasSize(500);
		assertThat(job.resumes().get(0).worker()).isEqualTo("w1");
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
		Lease lease = claims.next("w1").orElseThrow().lease();
		jobs.addEpoch(lease, epoch(1));
		jobs.addResumption(lease, resumption("crash"));
		jobs.delete("job-1");
		assertThat(jobs.findById("job-1")).isEmpty();
		assertThat(jdbc.sql("SELECT COUNT(*) FROM job_epochs").query(Integer.class).single()).isZero();
		assertThat(jdbc.sql("SELECT COUNT(*) FROM job_resumes").query(Integer.class).single()).isZero();
	}

	/** Outside the test's transaction: each claim commits, as workers' claims do. */
	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void workersClaimingAtOnceNeverShareAJob() throws Exception {
		int count = 24;
		try {
			for (int i = 0; i < count; i++) {
				insert("race-" + i);
			}
			List<String> claimed = Collections.synchronizedList(new ArrayList<>());
			ExecutorService workers = Executors.newFixedThreadPool(4);
			List<Future<?>> done = new ArrayList<>();
			for (int w = 0; w < 4; w++) {
				String worker = "w" + w;
				done.add(workers.submit(() -> {
					Optional<Claim> claim;
					while ((claim = claims.next(worker)).isPresent()) {
						claimed.add(claim.get().lease().jobId());
					}
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
			workers.shutdown();
			assertThat(claimed).hasSize(count).doesNotHaveDuplicates();
			assertThat(jobs.countByState(JobState.RUNNING)).isEqualTo(count);
		}
		finally {
			jdbc.sql("DELETE FROM jobs").update();
		}
	}

	void insert(String id) {
		jobs.insert(JobRecord.queued(id, Hyperparameters.DEFAULTS, NOW));
	}

	/** As if its worker had stopped renewing it a while ago. */
	void expireLease(String id) {
		jdbc.sql("UPDATE jobs SET lease_expires_at = ? WHERE id = ?")
			.params(OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1), id)
			.update();
	}

	static StoredModel model(String location) {
		String id = location.split("/")[1];
		return new StoredModel(new Checkpoint(id, 3, true, location, NOW, 100),
				new CheckpointMetadata(id, 3, "seed-cnn", "fashion-mnist", List.of("a", "b"), null, null, null, NOW),
				StoredModel.Source.TRAINED);
	}

	static EpochResult epoch(int epoch) {
		return new EpochResult(epoch, 0.5, 0.8, 0.45, 0.83, 4.0, 0.3, 15000);
	}

	static Resumption resumption(String reason) {
		return new Resumption(NOW.truncatedTo(ChronoUnit.MICROS), 1, 0, reason, "w1");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Config {

		static final int MAX_ATTEMPTS = 3;

		@Bean
		JsonMapper jsonMapper() {
			return JsonMapper.builder().build();
		}

		@Bean
		JobProperties jobProperties() {
			return new JobProperties(1, 100, Duration.ofSeconds(30), Duration.ofSeconds(30),
					JobProperties.OnRestart.RESUME, 6_000_000, Duration.ofSeconds(30), Duration.ofSeconds(2),
					Duration.ofSeconds(1), MAX_ATTEMPTS);
		}

	}

}
