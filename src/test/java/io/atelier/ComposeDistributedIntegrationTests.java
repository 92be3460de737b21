package io.atelier;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.atelier.testing.ComposeProject;
import io.atelier.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docker-compose.distributed.yml as a user brings it up: PostgreSQL, one API and two workers on a
 * shared volume. A job is trained through the API; the worker that runs it is killed (SIGKILL, as a
 * lost node) after its first epoch, and the other worker takes the job over once the lease runs out
 * and finishes it from the checkpoint on the shared volume. PostgreSQL's image is built from
 * Debian's postgresql-15 ({@code compose/postgres/Dockerfile}).
 */
class ComposeDistributedIntegrationTests {

	private static final String TRAINER_KEY = "compose-distributed-trainer-key-0123456789";

	private static final List<String> WORKERS = List.of("worker-1", "worker-2");

	private final JsonMapper json = JsonMapper.builder().build();

	private ComposeProject compose;

	@Test
	void aJobWhoseWorkerIsKilledFinishesOnTheOtherWorker() throws Exception {
		int port = FreePorts.next();
		compose = ComposeProject.of("docker-compose.distributed.yml",
				Map.of("ATELIER_IMAGE", "atelier-compose-distributed-test", "ATELIER_PORT", String.valueOf(port),
						"ATELIER_TRAINER_KEY", TRAINER_KEY, "ATELIER_DB_PASSWORD", randomPassword(), "POSTGRES_IMAGE",
						System.getenv().getOrDefault("POSTGRES_IMAGE", "atelier-postgres")));

		compose.run("up", "-d", "--build");
		AtelierClient api = new AtelierClient("http://localhost:" + port, TRAINER_KEY);
		await().atMost(Duration.ofMinutes(3)).until(api::isReady);
		for (String worker : WORKERS) {
			String container = compose.container(worker);
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
				.until(() -> compose.docker("inspect", "-f", "{{.State.Health.Status}}", container).strip(),
						"healthy"::equals);
		}

		// Batches of 32: an epoch lasts long enough (about 25 s on two busy cores) to be caught after the first.
		String id = api.startJob("{\"epochs\": 3, \"trainLimit\": 2000, \"batchSize\": 32, \"seed\": 11}");
		JsonNode running = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
			.until(() -> job(api, id), job -> job.path("history").size() >= 1 || isFinished(job));
		assertThat(running.path("state").asString()).as("still running after its first epoch: %s", running)
			.isEqualTo("RUNNING");
		String busy = running.path("worker").asString();
		assertThat(busy).as("the worker running the job: %s", running).isIn(WORKERS);
		String other = WORKERS.get(1 - WORKERS.indexOf(busy));

		String killed = compose.container(busy);
		compose.docker("kill", "--signal", "KILL", killed);

		api.awaitState(id, "SUCCEEDED", Duration.ofMinutes(3));
		JsonNode finished = job(api, id);
		assertThat(finished.path("worker").asString()).as("finished by").isEqualTo(other);
		assertThat(finished.path("attempt").asInt()).as("claims of the job").isEqualTo(2);
		assertThat(finished.path("resumes")).as("the worker change is recorded").isNotEmpty();
		assertThat(finished.path("resumes").get(0).path("fromEpoch").asInt()).as("resumed after its first epoch")
			.isGreaterThanOrEqualTo(2);
		assertThat(finished.path("history")).as("every epoch exactly once")
			.extracting(epoch -> epoch.path("epoch").asInt())
			.containsExactly(1, 2, 3);
		assertThat(compose.docker("inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", killed).strip())
			.as("the killed worker stayed down").isEqualTo("false 137");
		// The API replica takes in models that workers saved on its next refresh (atelier.inference.refresh-interval).
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
			.until(() -> api.get("/models").body().contains(id));
		assertThat(api.predictBlackImage()).as("the API serves the model the worker saved").contains(id);
	}

	@AfterEach
	void down() throws Exception {
		if (compose != null) {
			compose.down();
		}
	}

	private JsonNode job(AtelierClient api, String id) {
		return json.readTree(api.get("/jobs/" + id).body());
	}

	private static boolean isFinished(JsonNode job) {
		return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.path("state").asString());
	}

	/** A fresh database password per run: none is written into the repository. */
	private static String randomPassword() {
		byte[] bytes = new byte[16];
		new SecureRandom().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
