package io.atelier;

import java.time.Duration;
import java.util.Map;

import io.atelier.testing.ComposeProject;
import io.atelier.testing.FreePorts;
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

	private ComposeProject compose;

	@Test
	void bringsUpAtelierScrapedByPrometheusThatTrainsAndPredicts() throws Exception {
		int atelierPort = FreePorts.next();
		int prometheusPort = FreePorts.next();
		compose = ComposeProject.of("docker-compose.yml",
				Map.of("ATELIER_IMAGE", "atelier-compose-test", "ATELIER_PORT", String.valueOf(atelierPort),
						"PROMETHEUS_PORT", String.valueOf(prometheusPort), "ATELIER_TRAINER_KEY", TRAINER_KEY));

		compose.run("up", "-d", "--build");

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
		if (compose != null) {
			compose.down();
		}
	}

}
