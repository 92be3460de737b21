package io.atelier;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Dockerfile's image, run as a user would: read-only root filesystem, data on a volume.
 * It trains, predicts, is replaced by a new container on the same volume, and predicts the same.
 * Skips without Docker, unless {@code ATELIER_REQUIRE_DOCKER=true}, as {@code .ci/run} sets.
 */
class ContainerImageIntegrationTests {

	@TempDir
	Path tmp;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void trainsPredictsAndServesTheSameModelAfterARestartOnTheSameVolume() throws Exception {
		requireDocker();
		ImageFromDockerfile image = new ImageFromDockerfile("atelier-test", false)
			.withDockerfile(Path.of("Dockerfile").toAbsolutePath());
		Path data = Files.createDirectories(tmp.resolve("data"));
		Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
		byte[] png = blackPng();

		String jobId;
		String firstAnswer;
		try (GenericContainer<?> first = container(image, data)) {
			first.start();
			String base = "http://" + first.getHost() + ":" + first.getMappedPort(8080);
			HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"epochs\": 1, \"trainLimit\": 3000}"))
				.build());
			assertThat(created.statusCode()).isEqualTo(202);
			String location = created.headers().firstValue("Location").orElseThrow();
			jobId = location.substring("/jobs/".length());
			await().atMost(Duration.ofMinutes(2))
				.until(() -> send(HttpRequest.newBuilder(URI.create(base + location)).build()).body()
					.contains("\"state\":\"SUCCEEDED\""));
			firstAnswer = predict(base, png);
			assertThat(firstAnswer).contains(jobId);
		}
		try (GenericContainer<?> second = container(image, data)) {
			second.start();
			String base = "http://" + second.getHost() + ":" + second.getMappedPort(8080);
			assertThat(send(HttpRequest.newBuilder(URI.create(base + "/models")).build()).body()).contains(jobId);
			assertThat(predict(base, png)).isEqualTo(firstAnswer);
		}
	}

	private static GenericContainer<?> container(ImageFromDockerfile image, Path data) {
		return new GenericContainer<>(image).withExposedPorts(8080)
			.withFileSystemBind(data.toString(), "/data")
			.withCreateContainerCmdModifier(command -> command.getHostConfig()
				.withReadonlyRootfs(true)
				.withTmpFs(Map.of("/tmp", "rw,size=256m")))
			.waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200)
				.withStartupTimeout(Duration.ofMinutes(2)));
	}

	private String predict(String base, byte[] png) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/predict"))
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(png))
			.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static byte[] blackPng() throws IOException {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
				"png", png);
		return png.toByteArray();
	}

	private static void requireDocker() {
		if (!DockerClientFactory.instance().isDockerAvailable()) {
			String message = "No Docker engine is reachable";
			if (Boolean.parseBoolean(System.getenv("ATELIER_REQUIRE_DOCKER"))) {
				Assertions.fail(message + ", and ATELIER_REQUIRE_DOCKER=true requires it");
			}
			Assumptions.abort(message);
		}
	}

}
