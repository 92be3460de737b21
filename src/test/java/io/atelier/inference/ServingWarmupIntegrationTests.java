package io.atelier.inference;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.AtelierApplication;
import io.atelier.dataset.IdxFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service that starts with a model has served predictions to itself, through HTTP and with a
 * configured key, before it reports ready; one without a model starts without waiting.
 */
class ServingWarmupIntegrationTests {

	private static final String PREDICTOR = "p".repeat(40);

	private static final String TRAINER = "t".repeat(40);

	@TempDir
	Path tmp;

	@Test
	void theServingPathIsWarmBeforeReadinessWhenThereIsAModel() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 300, 100);
		try (ConfigurableApplicationContext first = start(fixtures)) {
			assertThat(predictions(first)).as("nothing to warm without a model").isZero();
			int port = ((WebServerApplicationContext) first).getWebServer().getPort();
			HttpClient http = HttpClient.newHttpClient();
			String id = send(http, HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs"))
				.header("Authorization", "Bearer " + TRAINER)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"epochs\": 1}"))
				.build()).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
			await().atMost(Duration.ofMinutes(2))
				.until(() -> send(http, HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/" + id))
					.header("Authorization", "Bearer " + TRAINER)
					.build()), body -> body.contains("\"state\":\"SUCCEEDED\""));
		}
		try (ConfigurableApplicationContext second = start(fixtures)) {
			MeterRegistry meters = second.getBean(MeterRegistry.class);
			assertThat(meters.get("atelier.models.loaded").gauge().value()).isEqualTo(1);
			assertThat(predictions(second)).as("predictions answered 200 before readiness").isEqualTo(200);
		}
	}

	private ConfigurableApplicationContext start(Path fixtures) {
		return new SpringApplicationBuilder(AtelierApplication.class).run("--server.port=0",
				"--atelier.data-dir=" + tmp.resolve("data"), "--atelier.security.trainer-keys=" + TRAINER,
				"--atelier.security.predictor-keys=" + PREDICTOR, "--atelier.inference.warmup.requests=200",
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false");
	}

	private static long predictions(ConfigurableApplicationContext context) {
		var timer = context.getBean(MeterRegistry.class)
			.find("http.server.requests")
			.tags("uri", "/predict", "status", "200")
			.timer();
		return timer == null ? 0 : timer.count();
	}

	private static String send(HttpClient http, HttpRequest request) {
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			return response.body();
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
