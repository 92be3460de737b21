package io.atelier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import io.atelier.testing.Need;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Dockerfile's image, run as a user would: read-only root filesystem, data on a volume.
 * It trains, predicts, is replaced by a new container on the same volume, and predicts the same.
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

	private static AtelierClient client(GenericContainer<?> container) {
		return new AtelierClient("http://" + container.getHost() + ":" + container.getMappedPort(8080), TRAINER_KEY);
	}

	private static final String TRAINER_KEY = "container-test-trainer-key-0123456789";

}
