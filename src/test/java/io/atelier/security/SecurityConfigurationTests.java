package io.atelier.security;

import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

import static io.atelier.security.ApiKeys.PREDICTOR;
import static io.atelier.security.ApiKeys.TRAINER;
import static org.assertj.core.api.Assertions.assertThat;

/** Who may call what, on stand-ins for the real endpoints: the rules, apart from the features. */
@WebMvcTest(controllers = SecurityConfigurationTests.Endpoints.class)
@ApiSecurity
@Import({ SimpleMeterRegistry.class, SecurityConfigurationTests.Endpoints.class })
@ApiKeys
class SecurityConfigurationTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void aCallWithoutAKeyIsChallengedWithProblemJson() {
		MvcTestResult result = mvc.get().uri("/jobs").exchange();
		assertThat(result).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader("WWW-Authenticate", "Bearer realm=\"atelier\"");
		assertThat(result).bodyJson().extractingPath("$.title").isEqualTo("API key required");
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo(401);
	}

	@Test
	void anUnknownKeyIsRefusedAsInvalid() throws Exception {
		MvcTestResult result = mvc.get().uri("/jobs").header("Authorization", "Bearer " + TRAINER + "x").exchange();
		assertThat(result).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader("WWW-Authenticate", "Bearer realm=\"atelier\", error=\"invalid_token\"");
		assertThat(result).bodyJson().extractingPath("$.title").isEqualTo("Invalid API key");
		assertThat(result.getResponse().getContentAsString()).doesNotContain(TRAINER);
	}

	@Test
	void aPredictorMayReadAndPredictButNotTrainCancelOrPin() {
		for (String route : List.of("GET /jobs", "GET /models/m1", "GET /models/m1/export", "POST /predict",
				"POST /predict/batch", "GET /datasets", "GET /datasets/shapes")) {
			assertThat(call(route, PREDICTOR)).as(route).hasStatusOk();
		}
		for (String route : List.of("POST /jobs", "POST /datasets", "DELETE /datasets/shapes", "POST /jobs/j1/cancel",
				"PUT /models/default", "POST /models", "POST /anything-new")) {
			MvcTestResult refused = call(route, PREDICTOR);
			assertThat(refused).as(route).hasStatus(HttpStatus.FORBIDDEN).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(refused).bodyJson().extractingPath("$.title").isEqualTo("Not allowed for this key");
		}
	}

	@Test
	void aTrainerMayDoEverything() {
		for (String route : List.of("POST /jobs", "POST /jobs/j1/cancel", "PUT /models/default", "POST /models",
				"GET /jobs", "POST /predict", "POST /datasets", "DELETE /datasets/shapes", "GET /datasets")) {
			assertThat(call(route, TRAINER)).as(route).hasStatusOk();
		}
	}

	@Test
	void openInferenceCallsAreRefusedInTheProtocolsErrorForm() {
		MvcTestResult missing = call(mvc.post().uri("/v2/models/m1/infer"), null);
		assertThat(missing).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentType(MediaType.APPLICATION_JSON)
			.hasHeader("WWW-Authenticate", "Bearer realm=\"atelier\"");
		assertThat(missing).bodyJson().extractingPath("$.error").asString().startsWith("API key required");
		MvcTestResult invalid = call(mvc.get().uri("/v2/models/m1"), TRAINER + "x");
		assertThat(invalid).hasStatus(HttpStatus.UNAUTHORIZED).hasContentType(MediaType.APPLICATION_JSON);
		assertThat(invalid).bodyJson().extractingPath("$.error").asString().startsWith("Invalid API key");
		MvcTestResult refused = call(mvc.post().uri("/v2/repository/models/m1/load"), PREDICTOR);
		assertThat(refused).hasStatus(HttpStatus.FORBIDDEN).hasContentType(MediaType.APPLICATION_JSON);
		assertThat(refused).bodyJson().extractingPath("$.error").asString().startsWith("Not allowed for this key");
		assertThat(call(mvc.post().uri("/v2/models/m1/infer"), PREDICTOR)).hasStatusOk();
	}

	@Test
	void theSchemeIsCaseInsensitiveAndOtherSchemesAreNotKeys() {
		assertThat(call(mvc.get().uri("/jobs"), null).getResponse().getStatus()).isEqualTo(401);
		assertThat(mvc.get().uri("/jobs").header("Authorization", "bearer " + PREDICTOR).exchange()).hasStatusOk();
		assertThat(mvc.get().uri("/jobs").header("Authorization", "Basic " + PREDICTOR).exchange())
			.hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void healthAndMetricsStayOpen() {
		assertThat(mvc.get().uri("/actuator/health/readiness").exchange()).hasStatusOk();
		assertThat(mvc.get().uri("/actuator/prometheus").exchange()).hasStatusOk();
	}

	/** Calls a route written as {@code "METHOD /path"}. */
	private MvcTestResult call(String route, String key) {
		String[] methodAndPath = route.split(" ");
		return call(mvc.method(HttpMethod.valueOf(methodAndPath[0])).uri(methodAndPath[1]), key);
	}

	private static MvcTestResult call(MockMvcTester.MockMvcRequestBuilder request, String key) {
		return (key == null ? request : request.header("Authorization", "Bearer " + key)).exchange();
	}

	@RestController
	static class Endpoints {

		@GetMapping({ "/jobs", "/models/{id}", "/v2/models/{name}", "/models/{id}/export", "/actuator/health/readiness", "/actuator/prometheus",
				"/datasets", "/datasets/{name}" })
		String read() {
			return "ok";
		}

		@PostMapping({ "/jobs", "/jobs/{id}/cancel", "/models", "/predict", "/predict/batch", "/anything-new", "/datasets",
				"/v2/models/{name}/infer", "/v2/repository/models/{name}/load" })
		String write() {
			return "ok";
		}

		@DeleteMapping("/datasets/{name}")
		String deleteDataset() {
			return "ok";
		}

		@PutMapping("/models/default")
		String pin() {
			return "ok";
		}

	}

}
