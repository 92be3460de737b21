package io.atelier.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import io.atelier.Fuzz;
import io.atelier.security.ApiSecurity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;

/**
 * Random and mutated bodies for {@code POST /jobs}: wrong types, out-of-range and huge numbers,
 * unknown fields, broken and deeply nested JSON, odd content types. Each is accepted or refused with a
 * 4xx problem+json; none is a server error.
 */
@WebMvcTest(JobController.class)
@ApiSecurity
@WithMockUser(roles = "TRAINER")
@Import(SimpleMeterRegistry.class)
class JobRequestFuzzTests {

	private static final List<String> FIELDS = List.of("architecture", "dataset", "epochs", "batchSize",
			"learningRate", "optimizer", "momentum", "seed", "shuffle", "trainLimit", "unknown", "");

	private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json",
			"application/json", "text/plain", "application/xml", "application/x-www-form-urlencoded",
			"application/json;charset=ISO-8859-1");

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	JobService jobs;

	private final Fuzz fuzz = new Fuzz();

	@BeforeEach
	void acceptWhatPassesValidation() {
		given(jobs.submit(any())).willReturn(new JobView("j1", JobState.QUEUED, Hyperparameters.DEFAULTS,
				Progress.notStarted(10), List.of(), List.of(), null, List.of(), null, false, Instant.now(), null, null, null, 0));
	}

	@Test
	void randomHyperparametersAreAcceptedOrRefusedAsProblems() {
		Random random = fuzz.random();
		for (int i = 0; i < Fuzz.cases(400); i++) {
			StringBuilder json = new StringBuilder("{");
			int fields = random.nextInt(5);
			for (int f = 0; f < fields; f++) {
				json.append(f > 0 ? "," : "").append('"').append(FIELDS.get(random.nextInt(FIELDS.size()))).append("\":");
				json.append(value(random, 0));
			}
			json.append('}');
			byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
			check(i % 3 == 2 ? fuzz.mutate(body) : body, CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size())), i);
		}
	}

	@Test
	void deeplyNestedAndOversizedBodiesAreRefusedAsProblems() {
		check(("{\"epochs\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(), "application/json", -1);
		check(("{\"seed\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000) + "}").getBytes(), "application/json",
				-2);
		check(("{\"architecture\":\"" + "x".repeat(30_000_000) + "\"}").getBytes(), "application/json", -3);
		check(("{\"epochs\":1" + "0".repeat(5000) + "}").getBytes(), "application/json", -4);
		check(("{\"learningRate\":1e999999999}").getBytes(), "application/json", -5);
		check(("[" + "{},".repeat(100_000) + "{}]").getBytes(), "application/json", -6);
	}

	private void check(byte[] body, String contentType, int which) {
		MvcTestResult result = mvc.post().uri("/jobs").contentType(MediaType.parseMediaType(contentType)).content(body)
			.exchange();
		int status = result.getResponse().getStatus();
		String description = "case " + which + " of seed " + fuzz.seed() + ": "
				+ new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
		assertThat(status).as(description).isIn(202, 400, 413, 415);
		if (status != 202) {
			assertThat(result.getResponse().getContentType()).as(description)
				.isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		}
	}

	private static String value(Random random, int depth) {
		return switch (random.nextInt(depth > 3 ? 8 : 10)) {
			case 0 -> String.valueOf(random.nextInt(2000) - 500);
			case 1 -> String.valueOf(random.nextLong());
			case 2 -> String.valueOf(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
			case 3 -> random.nextBoolean() ? "\"adam\"" : "\"sgd\"";
			case 4 -> "\"" + "é\\u0000\\\"".repeat(random.nextInt(4)) + random.nextInt() + "\"";
			case 5 -> random.nextBoolean() ? "true" : "false";
			case 6 -> "null";
			case 7 -> "1" + "0".repeat(random.nextInt(400));
			case 8 -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
			default -> "{\"x\":" + value(random, depth + 1) + "}";
		};
	}

}
