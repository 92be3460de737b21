package io.atelier.job;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import io.atelier.AtelierApplication;
import io.atelier.AtelierClient;
import io.atelier.dataset.IdxFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Files that are there but unreadable: a submission is refused with the reason, and nothing is stored. */
class CorruptDatasetIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void aJobOnACorruptDatasetIsAConflictThatSaysWhy() throws Exception {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 200, 100);
		Files.write(fixtures.resolve("train-images-idx3-ubyte.gz"), new byte[] { 0x1f, (byte) 0x8b, 1, 2, 3 });
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AtelierApplication.class).run(
				"--server.port=0", "--atelier.security.insecure-local-mode=true",
				"--atelier.data-dir=" + tmp.resolve("data"), "--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			AtelierClient client = new AtelierClient("http://localhost:" + port, null);
			HttpResponse<String> refused = client.send(client.request("/jobs")
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"epochs\": 1}")));
			assertThat(refused.statusCode()).isEqualTo(409);
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(refused.body()).contains("Dataset unavailable", "is unusable");
			assertThat(client.get("/jobs").body()).contains("\"totalItems\":0");
		}
	}

}
