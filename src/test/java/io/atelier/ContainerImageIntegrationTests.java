package io.atelier;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import javax.imageio.ImageIO;

import io.atelier.testing.Need;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Dockerfile's image, run as a user would: read-only root filesystem, data on a volume.
 * It trains, predicts, is replaced by a new container on the same volume, and predicts the same.
 * The image carries only the files the service runs, so what it runs is checked here: the JVM as
 * uid 10001, the HEALTHCHECK's bash, a colour JPEG through libjpeg and lcms.
 */
class ContainerImageIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void trainsPredictsAndServesTheSameModelAfterARestartOnTheSameVolume() throws Exception {
		Need.DOCKER.require();
		ImageFromDockerfile image = new ImageFromDockerfile("atelier-test", false)
			.withDockerfile(Path.of("Dockerfile").toAbsolutePath());
		Path data = Files.createDirectories(tmp.resolve("data"));
		Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));

		String jobId;
		String firstAnswer;
		try (GenericContainer<?> first = container(image, data)) {
			first.start();
			AtelierClient client = client(first);
			jobId = client.startJob("{\"epochs\": 1, \"trainLimit\": 3000}");
			client.awaitState(jobId, "SUCCEEDED", Duration.ofMinutes(2));
			firstAnswer = client.predictBlackImage();
			assertThat(firstAnswer).contains(jobId);
			HttpResponse<String> jpeg = client.send(client.request("/predict")
				.header("Content-Type", "image/jpeg")
				.POST(HttpRequest.BodyPublishers.ofByteArray(colourJpeg())));
			assertThat(jpeg.statusCode()).as(jpeg.body()).isEqualTo(200);
			assertThat(first.execInContainer("bash", "-c",
					"while read -r key value _; do [ \"$key\" = Uid: ] && echo \"$value\"; done < /proc/1/status")
				.getStdout()
				.trim()).isEqualTo("10001");
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
				.until(() -> "healthy".equals(first.getCurrentContainerInfo().getState().getHealth().getStatus()));
		}
		try (GenericContainer<?> second = container(image, data)) {
			second.start();
			AtelierClient client = client(second);
			assertThat(client.get("/models").body()).contains(jobId);
			assertThat(client.predictBlackImage()).isEqualTo(firstAnswer);
		}
	}

	private static GenericContainer<?> container(ImageFromDockerfile image, Path data) {
		return new GenericContainer<>(image).withExposedPorts(8080)
			.withFileSystemBind(data.toString(), "/data")
			.withEnv("ATELIER_SECURITY_TRAINER_KEYS", TRAINER_KEY)
			.withCreateContainerCmdModifier(command -> command.getHostConfig()
				.withReadonlyRootfs(true)
				.withTmpFs(Map.of("/tmp", "rw,size=256m")))
			.waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200)
				.withStartupTimeout(Duration.ofMinutes(2)));
	}

	/** A red square on blue: decoded by libjpeg, turned to gray through lcms. */
	private static byte[] colourJpeg() throws Exception {
		BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = image.createGraphics();
		graphics.setColor(Color.BLUE);
		graphics.fillRect(0, 0, 28, 28);
		graphics.setColor(Color.RED);
		graphics.fillRect(7, 7, 14, 14);
		graphics.dispose();
		ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
		assertThat(ImageIO.write(image, "jpg", jpeg)).isTrue();
		return jpeg.toByteArray();
	}

	private static AtelierClient client(GenericContainer<?> container) {
		return new AtelierClient("http://" + container.getHost() + ":" + container.getMappedPort(8080), TRAINER_KEY);
	}

	private static final String TRAINER_KEY = "container-test-trainer-key-0123456789";

}
