package io.atelier.job;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.atelier.AtelierApplication;
import io.atelier.AtelierClient;
import io.atelier.dataset.IdxFixtures;
import io.atelier.training.EpochResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job records outlive the process: the service is started, stopped and started again on one data
 * directory, as a container restart would.
 */
class JobRestartIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void jobsSurviveARestartAndAJobCutOffByACrashIsResumed() throws Exception {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		String succeeded;
		String crashed;
		String waiting;
		try (ConfigurableApplicationContext first = start(fixtures)) {
			JobService service = first.getBean(JobService.class);
			succeeded = service.submit(JobRequests.epochs(1, 50)).id();
			awaitState(service, succeeded, JobState.SUCCEEDED);
			JobRepository repository = first.getBean(JobRepository.class);
			crashed = insertRunning(first, "crashed-job");
			waiting = insert(repository, "waiting-job");
		}
		try (ConfigurableApplicationContext second = start(fixtures)) {
			JobService service = second.getBean(JobService.class);
			JobView kept = service.find(succeeded).orElseThrow();
			assertThat(kept.state()).isEqualTo(JobState.SUCCEEDED);
			assertThat(kept.evaluation()).isNotNull();
			assertThat(kept.checkpoints()).extracting(JobView.CheckpointView::finalModel).contains(true);

			awaitState(service, crashed, JobState.SUCCEEDED);
			JobView resumed = service.find(crashed).orElseThrow();
			assertThat(resumed.resumes()).singleElement().satisfies(resumption -> {
				assertThat(resumption.fromEpoch()).isEqualTo(1);
				assertThat(resumption.reason()).contains("Worker an-earlier-life stopped renewing its lease")
					.contains("restarted from the beginning");
				assertThat(resumption.worker()).isNotEqualTo("an-earlier-life");
			});

			int port = ((WebServerApplicationContext) second).getWebServer().getPort();
			String models = new AtelierClient("http://localhost:" + port, null).get("/models").body();
			assertThat(models).as("models on the volume serve again after a restart").contains(succeeded);

			awaitState(service, waiting, JobState.SUCCEEDED);
			assertThat(service.list(0, 10).totalItems()).isEqualTo(3);
		}
	}

	@Test
	void aJobRunningAtShutdownSavesWhereItStoppedAndResumesThereOnTheNextStart() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		String running = stopWithinEpochTwo(fixtures);
		try (ConfigurableApplicationContext context = start(fixtures)) {
			JobService service = context.getBean(JobService.class);
			awaitState(service, running, JobState.SUCCEEDED);
			JobView job = service.find(running).orElseThrow();
			assertThat(job.history()).extracting(EpochResult::epoch).containsExactly(1, 2, 3);
			assertThat(job.resumes()).singleElement().satisfies(resumption -> {
				assertThat(resumption.fromEpoch()).isEqualTo(2);
				assertThat(resumption.fromBatch()).isBetween(10, 99);
				assertThat(resumption.reason()).contains("from the point saved at shutdown");
			});
			assertThat(tmp.resolve("data/jobs/" + running + "/resume-a1")).doesNotExist();
			assertThat(job.checkpoints()).extracting(JobView.CheckpointView::finalModel).contains(true);
		}
	}

	@Test
	void aResumePointThatCannotBeReadGivesWayToTheLastEpochCheckpoint() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		String running = stopWithinEpochTwo(fixtures);
		Path parameters = tmp.resolve("data/jobs/" + running + "/resume-a1/parameters.params");
		assertThat(parameters).exists();
		java.nio.file.Files.write(parameters, new byte[] { 1, 2, 3 });
		try (ConfigurableApplicationContext context = start(fixtures)) {
			JobService service = context.getBean(JobService.class);
			awaitState(service, running, JobState.SUCCEEDED);
			JobView job = service.find(running).orElseThrow();
			assertThat(job.history()).extracting(EpochResult::epoch).containsExactly(1, 2, 3);
			assertThat(job.resumes()).hasSize(2);
			assertThat(job.resumes().get(1).reason()).startsWith("Its resume point could not be read")
				.contains("resumed at epoch 2 from the checkpoint of epoch 1 instead");
			assertThat(job.resumes().get(1).fromEpoch()).isEqualTo(2);
			assertThat(job.resumes().get(1).fromBatch()).isZero();
		}
	}

	@Test
	void aJobWithValidationStoppedInItsLastEpochStillEndsOnItsBestEpochAfterTheRestart() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		// A rate this high makes later epochs no better than earlier ones, so the best is rarely the last. Batches
		// of 5 make 80 of them an epoch, so that even a fast machine is still in the last epoch at the stop.
		String running = stopWithin(fixtures, new Hyperparameters(null, null, 3, 5, 0.05, null, null, 3L, null, null,
				null, null, null, 0.2), 3, 5);
		try (java.util.stream.Stream<Path> sets = java.nio.file.Files.list(tmp.resolve("data/jobs/" + running))) {
			assertThat(sets.map(set -> set.getFileName().toString())).as("the best epoch so far, kept apart")
				.anyMatch(name -> name.matches("best-\\d{4}-a1"));
		}
		try (ConfigurableApplicationContext context = start(fixtures)) {
			JobService service = context.getBean(JobService.class);
			awaitState(service, running, JobState.SUCCEEDED);
			JobView job = service.find(running).orElseThrow();
			assertThat(job.resumes()).singleElement().satisfies(resumption -> assertThat(resumption.fromEpoch()).isEqualTo(3));
			assertThat(job.history()).extracting(EpochResult::epoch).containsExactly(1, 2, 3);
			EpochResult best = job.history().get(0);
			for (EpochResult epoch : job.history()) {
				if (epoch.validationAccuracy() > best.validationAccuracy()
						|| (epoch.validationAccuracy().equals(best.validationAccuracy())
								&& epoch.validationLoss() < best.validationLoss())) {
					best = epoch;
				}
			}
			int bestEpoch = best.epoch();
			assertThat(job.checkpoints()).filteredOn(JobView.CheckpointView::finalModel)
				.singleElement()
				.satisfies(model -> assertThat(model.epoch()).isEqualTo(bestEpoch));
			assertThat(job.evaluation().accuracy()).isEqualTo(best.testAccuracy());
		}
	}

	@Test
	void withOnRestartFailAnInterruptedJobEndsFailedInsteadOfResuming() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		String crashed;
		try (ConfigurableApplicationContext first = start(fixtures)) {
			crashed = insertRunning(first, "crashed-job");
		}
		try (ConfigurableApplicationContext second = start(fixtures, "--atelier.jobs.on-restart=fail")) {
			JobService service = second.getBean(JobService.class);
			awaitState(service, crashed, JobState.FAILED);
			assertThat(service.find(crashed).orElseThrow().error())
				.startsWith("Interrupted: its worker an-earlier-life stopped while running it")
				.contains("on-restart is FAIL");
		}
	}

	@Test
	void recoveryIsDoneBeforeTheWebServerTakesRequests() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		try (ConfigurableApplicationContext first = start(fixtures)) {
			insertRunning(first, "crashed-job");
		}
		// Left by a write that a crash cut short: recovery removes it, and must do so before any request.
		Path leftover = java.nio.file.Files.createDirectories(tmp.resolve("data/jobs/crashed-job/checkpoints/.tmp-epoch-0001-x"));
		AtomicReference<String> seenWhenServing = new AtomicReference<>();
		SpringApplicationBuilder builder = builder().listeners((WebServerInitializedEvent event) -> {
			JobRecovery recovery = event.getApplicationContext().getBean(JobRecovery.class);
			seenWhenServing.set("recovered=" + recovery.isRunning() + ", leftover=" + java.nio.file.Files.exists(leftover));
		});
		try (ConfigurableApplicationContext second = builder.run(arguments(fixtures))) {
			assertThat(seenWhenServing.get()).isEqualTo("recovered=true, leftover=false");
		}
	}

	/** Starts a 3-epoch job, stops the service once it is 10 batches into epoch 2, and answers the job. */
	private String stopWithinEpochTwo(Path fixtures) {
		return stopWithin(fixtures, JobRequests.epochs(3, 5), 2, 10);
	}

	/** Starts a job, stops the service once it is {@code batches} into {@code epoch}, and answers the job. */
	private String stopWithin(Path fixtures, Hyperparameters hyperparameters, int epoch, int batches) {
		try (ConfigurableApplicationContext context = start(fixtures)) {
			JobService service = context.getBean(JobService.class);
			String running = service.submit(hyperparameters).id();
			await().atMost(Duration.ofMinutes(2)).until(() -> {
				JobView job = service.find(running).orElseThrow();
				return job.progress().epoch() == epoch && job.progress().batch() >= batches;
			});
			return running;
		}
	}

	private ConfigurableApplicationContext start(Path fixtures, String... more) {
		return builder().run(arguments(fixtures, more));
	}

	private static SpringApplicationBuilder builder() {
		return new SpringApplicationBuilder(AtelierApplication.class);
	}

	private String[] arguments(Path fixtures, String... more) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--atelier.security.insecure-local-mode=true",
				"--atelier.data-dir=" + tmp.resolve("data"), "--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false"));
		arguments.addAll(List.of(more));
		return arguments.toArray(String[]::new);
	}

	private static String insert(JobRepository repository, String id) {
		repository.insert(JobRecord.queued(id, JobRequests.epochs(1, 50).withDefaults(), Instant.now()));
		return id;
	}

	/** As a crash leaves a job: running, on a worker that is gone, its lease not yet run out. */
	private static String insertRunning(ConfigurableApplicationContext context, String id) {
		// In one transaction, so that this process's own worker cannot claim the job in between.
		context.getBean(TransactionTemplate.class).executeWithoutResult(status -> {
			insert(context.getBean(JobRepository.class), id);
			context.getBean(JdbcClient.class)
				.sql("UPDATE jobs SET state = 'RUNNING', worker = 'an-earlier-life', attempt = 1, "
						+ "lease_expires_at = ? WHERE id = ?")
				.params(OffsetDateTime.now(ZoneOffset.UTC).plusHours(1), id)
				.update();
		});
		return id;
	}

	private static void awaitState(JobService service, String id, JobState state) {
		await().atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> service.find(id).orElseThrow().state() == state);
	}

}
