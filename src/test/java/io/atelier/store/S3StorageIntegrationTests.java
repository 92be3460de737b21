package io.atelier.store;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.AtelierClient;
import io.atelier.testing.FixtureService;
import io.atelier.testing.MultipartBody;
import io.atelier.testing.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job trained with {@code atelier.storage.type=s3}, through real HTTP, against a real S3 server: its
 * checkpoints and model land in the bucket, nothing in the data directory, and it serves predictions;
 * its export imported again is stored and served from the bucket too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Closed after this class: cached, it would go on refreshing from an S3 server that has stopped, and
// its failing connections would weigh on the memory measurements of the tests that follow.
@DirtiesContext
class S3StorageIntegrationTests {

	private static final String TRAINER = "s3-integration-trainer-key-0123456789abcdef";

	@RegisterExtension
	static final S3Server s3 = new S3Server();

	@TempDir
	static Path tmp;

	@LocalServerPort
	int port;

	@Autowired
	ObjectStore objects;

	private final JsonMapper json = JsonMapper.builder().build();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		FixtureService.register(registry, tmp, 200, 100);
		registry.add("atelier.security.trainer-keys", () -> TRAINER);
		for (String name : s3.properties("atelier-it").keySet()) {
			registry.add(name, () -> s3.properties("atelier-it").get(name));
		}
	}

	@Test
	void aJobTrainsIntoTheBucketAndItsModelIsServedFromThere() throws Exception {
		AtelierClient trainer = new AtelierClient("http://localhost:" + port, TRAINER);
		assertThat(objects).isInstanceOf(S3ObjectStore.class);

		String jobId = trainer.startJob("{\"epochs\": 2, \"trainLimit\": 200}");
		trainer.awaitState(jobId, "SUCCEEDED", Duration.ofSeconds(120));

		JsonNode job = json.readTree(trainer.get("/jobs/" + jobId).body());
		assertThat(job.path("checkpoints").findValuesAsString("path")).contains("jobs/" + jobId + "/model-a1");
		assertThat(objects.list("jobs/" + jobId + "/model-a1")).extracting(StoredObject::name)
			.containsExactlyInAnyOrder(CheckpointStore.PARAMETERS, CheckpointStore.METADATA);
		assertThat(objects.list("jobs/" + jobId + "/checkpoints")).extracting(StoredObject::key)
			.contains("jobs/" + jobId + "/checkpoints/epoch-0002-a1/" + CheckpointStore.METADATA);
		assertThat(tmp.resolve("data/jobs")).doesNotExist();
		assertThat(trainer.predictBlackImage(jobId)).contains(jobId);

		byte[] exported = HttpClient.newHttpClient()
			.send(trainer.request("/models/" + jobId + "/export").GET().build(), HttpResponse.BodyHandlers.ofByteArray())
			.body();
		HttpResponse<String> imported = trainer.send(new MultipartBody()
			.file("file", "model.safetensors", "application/octet-stream", exported)
			.post(URI.create("http://localhost:" + port + "/models"))
			.header("Authorization", "Bearer " + TRAINER));
		assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
		String importedId = json.readTree(imported.body()).path("jobId").asString();
		assertThat(objects.list("imported/" + importedId)).extracting(StoredObject::name)
			.contains(CheckpointStore.METADATA);
		assertThat(predictions(trainer.predictBlackImage(importedId)))
			.isEqualTo(predictions(trainer.predictBlackImage(jobId)));

		HttpResponse<String> health = trainer.get("/actuator/health/readiness");
		assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
		assertThat(json.readTree(health.body()).path("components").path("dataVolume").path("status").asString())
			.isEqualTo("UP");
	}

	private String predictions(String response) {
		return json.readTree(response).path("predictions").toString();
	}

}
