package io.atelier.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.testing.FreePorts;
import io.atelier.testing.Need;
import io.atelier.AtelierApplication;
import io.atelier.AtelierClient;
import io.atelier.dataset.IdxFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus (Debian's package) scrapes the running service; its HTTP API must show the target
 * up, a training metric and the prediction latency histogram. Skips where Prometheus is not
 * installed, unless {@code ATELIER_REQUIRE_PROMETHEUS=true}, as {@code .ci/run} sets.
 */
class PrometheusScrapeIntegrationTests {

	private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

	@TempDir
	Path tmp;

	private final HttpClient http = HttpClient.newHttpClient();

	private static final String TRAINER_KEY = "prometheus-test-trainer-key-0123456789";

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void prometheusScrapesTrainingAndServingMetrics() throws Exception {
		Need.PROMETHEUS.require();
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 300, 100);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AtelierApplication.class).run(
				"--server.port=0", "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.security.trainer-keys=" + TRAINER_KEY,
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			trainAndPredict(port);
			int prometheusPort = FreePorts.next();
			Process prometheus = startPrometheus(port, prometheusPort);
			try {
				await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
					assertThat(query(prometheusPort, "up{job=\"atelier\"}")).singleElement()
						.satisfies(sample -> assertThat(sample.path("value").get(1).asString()).isEqualTo("1"));
					assertThat(query(prometheusPort, "atelier_training_epoch_duration_seconds_count")).isNotEmpty();
					assertThat(query(prometheusPort, "atelier_jobs_finished_total{outcome=\"succeeded\"}")).isNotEmpty();
					assertThat(query(prometheusPort, "http_server_requests_seconds_bucket{uri=\"/predict\"}")).isNotEmpty();
				});
			}
			finally {
				prometheus.destroy();
				prometheus.waitFor();
			}
		}
	}

	private static void trainAndPredict(int port) {
		AtelierClient client = new AtelierClient("http://localhost:" + port, TRAINER_KEY);
		String jobId = client.startJob("{\"epochs\": 1}");
		client.awaitState(jobId, "SUCCEEDED", Duration.ofSeconds(60));
		client.predictBlackImage();
	}

	private Process startPrometheus(int targetPort, int listenPort) throws IOException {
		Path config = Files.writeString(tmp.resolve("prometheus.yml"), """
				global:
				  scrape_interval: 1s
				scrape_configs:
				  - job_name: atelier
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['localhost:%d']
				""".formatted(targetPort));
		return new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + listenPort)
			.redirectErrorStream(true)
			.redirectOutput(tmp.resolve("prometheus.log").toFile())
			.start();
	}

	private JsonNode query(int port, String promql) throws Exception {
		URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
				+ URLEncoder.encode(promql, StandardCharsets.UTF_8));
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body()).path("data").path("result");
	}

}
