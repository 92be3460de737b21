package io.atelier.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import io.atelier.AtelierApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes tell the truth: without its dataset the service is alive but not ready, and says why.
 */
class HealthIntegrationTests {

	@TempDir
	Path tmp;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void withoutTheDatasetTheServiceIsAliveButNotReady() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AtelierApplication.class).run(
				"--server.port=0", "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
			HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
			assertThat(readiness.statusCode()).isEqualTo(503);
			assertThat(readiness.body()).contains("\"dataset\":{\"status\":\"DOWN\"");
			assertThat(readiness.body()).doesNotContain(tmp.toString());
		}
	}

	private HttpResponse<String> get(int port, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
