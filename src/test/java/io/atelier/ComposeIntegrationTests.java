package io.atelier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.atelier.testing.FreePorts;
import io.atelier.testing.Need;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The top-level docker-compose.yml as a user brings it up: Atelier trains and predicts, and the
 * Prometheus beside it reports Atelier's target up. Image names come from the environment, so CI
 * can run Prometheus built from Debian's package ({@code compose/prometheus/Dockerfile}).
 */
class ComposeIntegrationTests {

	private static final String TRAINER_KEY = "compose-test-trainer-key-0123456789";

	private final String project = "atelier-it-" + UUID.randomUUID().toString().substring(0, 8);

	private Map<String, String> environment;

	@Test
	void bringsUpAtelierScrapedByPrometheusThatTrainsAndPredicts() throws Exception {
		Need.DOCKER.require();
		Need.DOCKER.require(compose() != null, "docker-compose or the docker compose plugin");
		int atelierPort = FreePorts.next();
		int prometheusPort = FreePorts.next();
		environment = Map.of("ATELIER_IMAGE", "atelier-compose-test", "ATELIER_PORT", String.valueOf(atelierPort),
				"PROMETHEUS_PORT", String.valueOf(prometheusPort), "ATELIER_TRAINER_KEY", TRAINER_KEY);

		compose("up", "-d", "--build");

		AtelierClient atelier = new AtelierClient("http://localhost:" + atelierPort, TRAINER_KEY);
		await().atMost(Duration.ofMinutes(3)).until(atelier::isReady);
		String jobId = atelier.startJob("{\"epochs\": 1, \"trainLimit\": 2000}");
		atelier.awaitState(jobId, "SUCCEEDED", Duration.ofMinutes(2));
		assertThat(atelier.predictBlackImage()).contains(jobId);

		AtelierClient prometheus = new AtelierClient("http://localhost:" + prometheusPort, null);
		await().atMost(Duration.ofMinutes(1)).ignoreExceptions()
			.until(() -> prometheus.get("/api/v1/query?query=up%7Bjob%3D%22atelier%22%7D").body(),
					body -> body.contains("\"job\":\"atelier\"") && body.contains(",\"1\"]"));
	}

	@AfterEach
	void down() throws Exception {
		if (environment != null) {
			compose("down", "-v");
		}
	}

	private void compose(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(compose());
		command.addAll(List.of("-p", project, "-f", "docker-compose.yml"));
		command.addAll(List.of(arguments));
		Path log = Files.createTempFile("compose", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		boolean exited = process.waitFor(10, TimeUnit.MINUTES);
		String output = Files.readString(log);
		Files.delete(log);
		assertThat(exited).as("%s did not finish in 10 minutes:%n%s", command, output).isTrue();
		assertThat(process.exitValue()).as("%s failed:%n%s", command, output).isZero();
	}

	/** Compose v1 (Debian's docker-compose) or the v2 plugin; either reads the file unchanged. */
	private static List<String> compose() {
		for (List<String> candidate : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
			try {
				List<String> version = new ArrayList<>(candidate);
				version.add("version");
				Process process = new ProcessBuilder(version).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
				if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
					return candidate;
				}
			}
			catch (IOException ex) {
				// not installed: try the next
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return null;
	}

}
