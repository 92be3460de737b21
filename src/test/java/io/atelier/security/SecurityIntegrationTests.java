package io.atelier.security;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import io.atelier.AtelierClient;
import io.atelier.testing.FixtureService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.atelier.security.ApiKeys.PREDICTOR;
import static io.atelier.security.ApiKeys.TRAINER;
import static org.assertj.core.api.Assertions.assertThat;

/** The keys through real HTTP and Tomcat: roles, open probes, and no key ever in a log line. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMetrics
@ExtendWith(OutputCaptureExtension.class)
@ApiKeys
class SecurityIntegrationTests {

	@TempDir
	static Path tmp;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		FixtureService.register(registry, tmp, 200, 100);
	}

	@Test
	void rolesDecideWhatEachKeyMayDoAndNoKeyIsEverLogged(CapturedOutput output) {
		AtelierClient anonymous = new AtelierClient("http://localhost:" + port, null);
		AtelierClient predictor = new AtelierClient("http://localhost:" + port, PREDICTOR);
		AtelierClient trainer = new AtelierClient("http://localhost:" + port, TRAINER);

		assertThat(anonymous.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(anonymous.get("/actuator/prometheus").statusCode()).isEqualTo(200);
		HttpResponse<String> refused = anonymous.get("/jobs");
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"atelier\"");

		HttpResponse<String> forbidden = predictor.send(predictor.request("/jobs")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}")));
		assertThat(forbidden.statusCode()).isEqualTo(403);
		assertThat(forbidden.body()).contains("\"title\":\"Not allowed for this key\"");

		String jobId = trainer.startJob("{\"epochs\": 1, \"trainLimit\": 100}");
		trainer.awaitState(jobId, "SUCCEEDED", java.time.Duration.ofSeconds(60));
		assertThat(predictor.get("/jobs/" + jobId).statusCode()).isEqualTo(200);
		assertThat(predictor.predictBlackImage()).contains(jobId);

		HttpResponse<String> wrong = anonymous.send(anonymous.request("/models")
			.header("Authorization", "Bearer " + TRAINER.substring(1)));
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(output.getAll()).contains("API keys: 1 trainer, 1 predictor")
			.doesNotContain(TRAINER, PREDICTOR, TRAINER.substring(1));
	}

}
