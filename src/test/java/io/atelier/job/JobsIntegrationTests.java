package io.atelier.job;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import io.atelier.AtelierClient;
import io.atelier.testing.FixtureService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job lifecycle through real HTTP, on a small generated dataset: a job trains to success with its
 * history, evaluation and checkpoints; a full queue refuses more; queued and running jobs cancel.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMetrics
class JobsIntegrationTests {

	@TempDir
	static Path tmp;

	private final AtelierClient client;

	private final JsonMapper json = JsonMapper.builder().build();

	JobsIntegrationTests(@LocalServerPort int port) {
		this.client = AtelierClient.local(port);
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		FixtureService.register(registry, tmp, 1000, 200);
		registry.add("atelier.security.insecure-local-mode", () -> "true");
		registry.add("atelier.jobs.queue-capacity", () -> "1");
		registry.add("atelier.jobs.max-training-images", () -> "600000");
	}

	@BeforeEach
	void noJobIsActive() {
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			for (JsonNode job : get("/jobs?size=100").body().path("items")) {
				String state = job.path("state").asString();
				if (state.equals("RUNNING") || state.equals("QUEUED")) {
					post("/jobs/" + job.path("id").asString() + "/cancel", null);
					return false;
				}
			}
			return true;
		});
	}

	@Test
	void aJobTrainsToSuccessWithHistoryEvaluationAndCheckpoints() throws IOException {
		Response created = post("/jobs", "{\"epochs\": 2, \"batchSize\": 50, \"seed\": 7}");
		assertThat(created.status()).isEqualTo(202);
		String location = created.location();
		assertThat(location).isEqualTo("/jobs/" + created.body().path("id").asString());

		JsonNode job = waitFor(location, state -> state.equals("SUCCEEDED"));
		assertThat(job.path("hyperparameters").path("learningRate").asDouble()).isEqualTo(0.01);
		assertThat(job.path("history")).hasSize(2);
		JsonNode last = job.path("history").get(1);
		assertThat(last.path("testAccuracy").asDouble()).isGreaterThan(0.9);
		assertThat(last.path("seconds").asDouble()).isPositive();
		assertThat(job.path("progress").path("fraction").asDouble()).isEqualTo(1.0);
		assertThat(job.path("evaluation").path("confusionMatrix")).hasSize(10);
		assertThat(job.path("evaluation").path("perClass").get(9).path("className").asString()).isEqualTo("Ankle boot");
		assertThat(job.path("startedAt").isNull()).isFalse();
		assertThat(job.path("finishedAt").isNull()).isFalse();

		JsonNode checkpoints = job.path("checkpoints");
		assertThat(checkpoints).hasSize(3);
		assertThat(checkpoints.get(2).path("finalModel").asBoolean()).isTrue();
		for (JsonNode checkpoint : checkpoints) {
			Path dir = tmp.resolve("data").resolve(checkpoint.path("path").asString());
			assertThat(dir.resolve("parameters.params")).isNotEmptyFile();
			assertThat(json.readTree(Files.readString(dir.resolve("checkpoint.json"))).path("classNames")).hasSize(10);
		}
	}

	@Test
	void aCnnBnJobWithValidationReportsItPerEpochAndEndsOnTheBestEpochOnValidation() throws IOException {
		Response created = post("/jobs", "{\"architecture\": \"cnn-bn\", \"epochs\": 3, \"batchSize\": 50, "
				+ "\"trainLimit\": 400, \"learningRate\": 0.05, \"weightDecay\": 0.01, \"schedule\": \"cosine\", "
				+ "\"augment\": \"flip-crop\", \"validationFraction\": 0.25, \"seed\": 7}");
		assertThat(created.status()).as(created.body().toString()).isEqualTo(202);

		JsonNode job = waitFor(created.location(), state -> state.equals("SUCCEEDED"));
		JsonNode hyperparameters = job.path("hyperparameters");
		assertThat(hyperparameters.path("architecture").asString()).isEqualTo("cnn-bn");
		assertThat(hyperparameters.path("weightDecay").asDouble()).isEqualTo(0.01);
		assertThat(hyperparameters.path("schedule").asString()).isEqualTo("cosine");
		assertThat(hyperparameters.path("augment").asString()).isEqualTo("flip-crop");
		assertThat(hyperparameters.path("validationFraction").asDouble()).isEqualTo(0.25);
		JsonNode history = job.path("history");
		assertThat(history).hasSize(3);
		JsonNode best = null;
		for (JsonNode epoch : history) {
			assertThat(epoch.path("validationAccuracy").isNumber()).as(epoch.toString()).isTrue();
			assertThat(epoch.path("validationLoss").isNumber()).as(epoch.toString()).isTrue();
			double accuracy = epoch.path("validationAccuracy").asDouble();
			if (best == null || accuracy > best.path("validationAccuracy").asDouble()
					|| (accuracy == best.path("validationAccuracy").asDouble()
							&& epoch.path("validationLoss").asDouble() < best.path("validationLoss").asDouble())) {
				best = epoch;
			}
		}
		int bestEpoch = best.path("epoch").asInt();
		assertThat(job.path("evaluation").path("accuracy").asDouble()).isEqualTo(best.path("testAccuracy").asDouble());

		JsonNode checkpoints = job.path("checkpoints");
		JsonNode finalModel = checkpoints.get(checkpoints.size() - 1);
		assertThat(finalModel.path("finalModel").asBoolean()).isTrue();
		assertThat(finalModel.path("epoch").asInt()).isEqualTo(bestEpoch);
		Path data = tmp.resolve("data");
		byte[] finalParameters = Files.readAllBytes(data.resolve(finalModel.path("path").asString())
			.resolve("parameters.params"));
		for (JsonNode checkpoint : checkpoints) {
			if (checkpoint.path("epoch").asInt() == bestEpoch && !checkpoint.path("finalModel").asBoolean()) {
				assertThat(Files.readAllBytes(data.resolve(checkpoint.path("path").asString())
					.resolve("parameters.params"))).as("the best epoch's checkpoint").isEqualTo(finalParameters);
			}
		}
		Path kept = data.resolve("jobs/" + job.path("id").asString() + String.format("/best-%04d-a1", bestEpoch));
		assertThat(json.readTree(Files.readString(kept.resolve("checkpoint.json"))).path("epoch").asInt())
			.isEqualTo(bestEpoch);
		assertThat(Files.readAllBytes(kept.resolve("parameters.params"))).isEqualTo(finalParameters);
	}

	@Test
	void aFullQueueRefusesAndQueuedAndRunningJobsCancel() {
		String running = post("/jobs", "{\"epochs\": 500, \"batchSize\": 10}").location();
		waitFor(running, state -> state.equals("RUNNING"));
		String queued = post("/jobs", "{\"epochs\": 1}").location();
		assertThat(get(queued).body().path("state").asString()).isEqualTo("QUEUED");

		Response refused = post("/jobs", "{}");
		assertThat(refused.status()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");

		Response cancelledQueued = post(queued + "/cancel", null);
		assertThat(cancelledQueued.status()).isEqualTo(200);
		assertThat(cancelledQueued.body().path("state").asString()).isEqualTo("CANCELLED");
		assertThat(cancelledQueued.body().path("error").asString()).isEqualTo("Cancelled before it started.");

		await().atMost(Duration.ofSeconds(60)).until(() -> get(running).body().path("history").size() >= 1);
		assertThat(post(running + "/cancel", null).status()).isIn(200, 202);
		JsonNode cancelled = waitFor(running, state -> state.equals("CANCELLED"));
		assertThat(cancelled.path("error").asString()).startsWith("Cancelled in epoch");
		assertThat(cancelled.path("cancelRequested").asBoolean()).isTrue();
		assertThat(cancelled.path("checkpoints")).isNotEmpty();
		assertThat(cancelled.path("evaluation").isNull()).isTrue();

		Response again = post(running + "/cancel", null);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.body().path("state").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void streamsProgressEpochsAndTheEndAsServerSentEvents() throws Exception {
		// Progress is sent at most once a second, and the job starts before the stream is opened: it has to
		// run for seconds (8,000 batches of one image) so that progress certainly reaches the stream.
		String location = post("/jobs", "{\"epochs\": 8, \"batchSize\": 1}").location();
		HttpResponse<java.util.stream.Stream<String>> stream = client.send(
				HttpRequest.newBuilder(client.uri(location + "/events")).header("Accept", "text/event-stream").build(),
				HttpResponse.BodyHandlers.ofLines());
		assertThat(stream.statusCode()).isEqualTo(200);
		assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
		List<String> events = new java.util.ArrayList<>();
		List<String> data = new java.util.ArrayList<>();
		java.util.concurrent.CompletableFuture.runAsync(() -> stream.body().forEach(line -> {
			if (line.startsWith("event:")) {
				events.add(line.substring(6).trim());
			}
			else if (line.startsWith("data:")) {
				data.add(line.substring(5).trim());
			}
		})).get(120, java.util.concurrent.TimeUnit.SECONDS);

		assertThat(events.get(0)).isEqualTo("state");
		assertThat(events).contains("progress");
		assertThat(events.stream().filter("epoch"::equals)).hasSize(8);
		assertThat(events.get(events.size() - 1)).isEqualTo("end");
		assertThat(json.readTree(data.get(data.size() - 1)).path("state").asString()).isEqualTo("SUCCEEDED");

		Response late = get(location);
		assertThat(late.body().path("state").asString()).isEqualTo("SUCCEEDED");
		HttpResponse<String> replay = client.get(location + "/events");
		assertThat(replay.body()).as("a client connecting after the end gets the state and the end")
			.contains("event:state", "event:end", "SUCCEEDED");
		assertThat(client.get("/jobs/unknown/events").statusCode()).isEqualTo(404);
	}

	@Test
	void aJobLargerThanTheTrainingLimitIsRefused() {
		Response refused = post("/jobs", "{\"epochs\": 601}");
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body().path("errors").get(0).path("field").asString()).isEqualTo("epochs");
		assertThat(refused.body().path("detail").asString()).contains("601000", "atelier.jobs.max-training-images");
		assertThat(post("/jobs", "{\"epochs\": 601, \"trainLimit\": 100}").status()).isEqualTo(202);
	}

	@Test
	void listsJobsNewestFirst() {
		String first = post("/jobs", "{\"epochs\": 1, \"trainLimit\": 100}").location();
		waitFor(first, state -> state.equals("SUCCEEDED"));
		String second = post("/jobs", "{\"epochs\": 1, \"trainLimit\": 100}").location();
		waitFor(second, state -> state.equals("SUCCEEDED"));
		JsonNode page = get("/jobs?size=2").body();
		assertThat(page.path("items").get(0).path("id").asString()).isEqualTo(second.substring("/jobs/".length()));
		assertThat(page.path("items").get(1).path("id").asString()).isEqualTo(first.substring("/jobs/".length()));
		assertThat(page.path("totalItems").asLong()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void exposesHealthAndPrometheusMetrics() {
		assertThat(get("/actuator/health").body().path("status").asString()).isEqualTo("UP");
		assertThat(get("/actuator/health/liveness").status()).isEqualTo(200);
		Response readiness = get("/actuator/health/readiness");
		assertThat(readiness.status()).isEqualTo(200);
		for (String component : new String[] { "engine", "dataVolume", "dataset" }) {
			assertThat(readiness.body().path("components").path(component).path("status").asString()).as(component)
				.isEqualTo("UP");
		}
		assertThat(readiness.body().path("components").has("models")).isFalse();
		assertThat(get("/actuator/health").body().path("components").path("models").path("status").asString())
			.isEqualTo("UP");
		String model = post("/jobs", "{\"epochs\": 1, \"trainLimit\": 200}").location();
		waitFor(model, state -> state.equals("SUCCEEDED"));
		client.predictBlackImage();

		String metrics = client.get("/actuator/prometheus").body();
		assertThat(metrics).contains("jvm_memory_used_bytes", "atelier_jobs_submitted_total",
				"atelier_jobs_finished_total{outcome=\"succeeded\"}", "atelier_jobs{state=\"succeeded\"}",
				"atelier_jobs_queue_depth", "atelier_training_epoch_duration_seconds_count",
				"atelier_training_batch_duration_seconds_bucket", "atelier_process_resident_memory_bytes",
				"atelier_predict_images", "atelier_model_load_duration_seconds", "atelier_models_loaded",
				"atelier_inference_batch_size_images_bucket", "atelier_inference_queue_wait_seconds_bucket");
		assertThat(metrics.lines())
			.as("request latency by endpoint, with SLO buckets, from Spring's own http.server.requests")
			.anySatisfy(line -> assertThat(line).startsWith("http_server_requests_seconds_bucket{")
				.contains("method=\"POST\"", "outcome=\"SUCCESS\"", "status=\"200\"", "uri=\"/predict\"",
						"le=\"0.01\"}"));
		assertThat(get("/actuator/env").status()).isEqualTo(404);
	}

	private JsonNode waitFor(String location, Predicate<String> state) {
		return await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> get(location).body(), job -> state.test(job.path("state").asString()));
	}

	private Response get(String path) {
		return send(client.request(path).GET());
	}

	private Response post(String path, String body) {
		HttpRequest.Builder request = client.request(path);
		if (body == null) {
			request.POST(HttpRequest.BodyPublishers.noBody());
		}
		else {
			request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
		}
		return send(request);
	}

	private Response send(HttpRequest.Builder request) {
		HttpResponse<String> response = client.send(request);
		JsonNode body = response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
		return new Response(response.statusCode(), response.headers(), body);
	}

	record Response(int status, java.net.http.HttpHeaders headers, JsonNode body) {

		String location() {
			return headers.firstValue("Location").orElseThrow();
		}

	}

}
