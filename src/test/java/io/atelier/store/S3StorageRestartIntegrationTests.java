package io.atelier.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.atelier.AtelierApplication;
import io.atelier.AtelierClient;
import io.atelier.dataset.IdxFixtures;
import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import io.atelier.testing.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job stopped mid-epoch by a shutdown, with its checkpoints in S3: where it stopped is saved to the
 * bucket (parameters, the optimizer's state, the marker last), and the next start resumes it there and
 * leaves no resume point behind.
 */
class S3StorageRestartIntegrationTests {

	private static final String TRAINER = "s3-restart-trainer-key-0123456789abcdef";

	private static final String PREFIX = "restart";

	@RegisterExtension
	static final S3Server s3 = new S3Server();

	@TempDir
	Path tmp;

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void aJobStoppedByAShutdownResumesFromThePointItSavedInTheBucket() throws Exception {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		String jobId;
		try (ConfigurableApplicationContext first = start(fixtures)) {
			AtelierClient trainer = client(first);
			// Long enough that a fast machine cannot finish it while the context closes, and epochs of 500
			// batches, so that the stop lands within one rather than on an epoch's end (an idle machine
			// trains 100 batches of 5 in a fifth of a second).
			jobId = trainer.startJob("{\"epochs\": 8, \"batchSize\": 1}");
			String id = jobId;
			await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
				JsonNode progress = json.readTree(trainer.get("/jobs/" + id).body()).path("progress");
				return progress.path("epoch").asInt() >= 2 && progress.path("batch").asInt() >= 10;
			});
		}
		try (S3ObjectStore bucket = bucket()) {
			assertThat(bucket.list("jobs/" + jobId + "/resume-a1")).extracting(StoredObject::name)
				.containsExactlyInAnyOrder(CheckpointStore.PARAMETERS, CheckpointStore.OPTIMIZER,
						CheckpointStore.METADATA);
		}

		try (ConfigurableApplicationContext second = start(fixtures)) {
			AtelierClient trainer = client(second);
			trainer.awaitState(jobId, "SUCCEEDED", Duration.ofMinutes(4));
			JsonNode job = json.readTree(trainer.get("/jobs/" + jobId).body());
			assertThat(job.path("history").findValues("epoch")).extracting(JsonNode::asInt)
				.containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
			assertThat(job.path("resumes")).singleElement().satisfies(resumption -> {
				assertThat(resumption.path("fromEpoch").asInt()).isBetween(2, 8);
				assertThat(resumption.path("fromBatch").asInt()).isBetween(1, 499);
				assertThat(resumption.path("reason").asString()).contains("from the point saved at shutdown");
			});
			assertThat(trainer.predictBlackImage(jobId)).contains(jobId);
		}
		try (S3ObjectStore bucket = bucket()) {
			assertThat(bucket.list("jobs/" + jobId + "/resume-a1")).as("superseded by the final model").isEmpty();
			assertThat(bucket.list("jobs/" + jobId + "/model-a2")).as("written by the second attempt").extracting(StoredObject::name)
				.contains(CheckpointStore.METADATA);
		}
		assertThat(tmp.resolve("data/jobs")).doesNotExist();
	}

	private ConfigurableApplicationContext start(Path fixtures) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--atelier.security.trainer-keys=" + TRAINER,
				"--atelier.data-dir=" + tmp.resolve("data"),
				"--spring.datasource.url=jdbc:h2:file:" + tmp.resolve("db/atelier"),
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false", "--atelier.inference.warmup.requests=0"));
		for (Map.Entry<String, String> setting : s3.properties(PREFIX).entrySet()) {
			args.add("--" + setting.getKey() + "=" + setting.getValue());
		}
		return new SpringApplicationBuilder(AtelierApplication.class).run(args.toArray(String[]::new));
	}

	private static AtelierClient client(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return new AtelierClient("http://localhost:" + port, TRAINER);
	}

	private S3ObjectStore bucket() {
		var storage = new StorageProperties(StorageProperties.Type.S3, new StorageProperties.S3(s3.endpoint(),
				s3.bucket(), "us-east-1", S3Server.ACCESS_KEY, S3Server.SECRET_KEY, true, PREFIX), Duration.ZERO);
		return (S3ObjectStore) new StorageConfiguration().objectStore(storage, new AtelierProperties(tmp, Role.ALL));
	}

}
