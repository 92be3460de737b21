package io.atelier.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.atelier.AtelierApplication;
import io.atelier.network.Architecture;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.ModelCatalog;
import io.atelier.testing.Concurrently;
import io.atelier.testing.MultipartBody;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Aliases, deletion and the bound on loaded models through real HTTP, on imported models (no
 * training needed): an alias answers as its model wherever a model is named, a switch under load
 * gives every request wholly to one model, a model still named cannot be deleted, a deleted one is
 * gone with its files, and with one model loaded at a time requests alternating between two models
 * are all answered by the model they named. Every test here runs with that bound of one.
 */
class ModelRegistryIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	static Path tmp;

	@AutoClose
	private static ConfigurableApplicationContext context;

	private static int port;

	private static byte[] image;

	/** Images of the eviction test's models: 697,320 weights in fc1 alone. */
	private static final int LARGE_SIDE = 100;

	/** Enough that a round reloads at least {@link #MIN_RELOADS} times on a loaded machine (30 gave 32 there). */
	private static final int REQUESTS_PER_CLIENT = 45;

	/** Fewer would not tell a leak of a model per reload from the allocator's noise. */
	private static final int MIN_RELOADS = 40;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(AtelierApplication.class).run("--server.port=0",
				"--atelier.security.insecure-local-mode=true", "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.inference.max-loaded-models=1",
				// Models recorded behind the registry's back must be found without the periodic refresh.
				"--atelier.inference.refresh-interval=1h",
				// With one model loaded and requests alternating, each may wait for a reload; on a loaded
				// machine that can pass the default waits, and this test is about eviction, not latency.
				"--atelier.inference.predictor-wait=60s", "--atelier.inference.batching.queue-timeout=60s");
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
		byte[] pixels = new byte[28 * 28];
		new Random(3).nextBytes(pixels);
		image = TestImages.grayPng(28, 28, pixels);
	}

	@Test
	void anAliasAnswersAsItsModelAndSwitchesWholly() throws Exception {
		String a = importModel(1);
		String b = importModel(2);
		Map<String, String> answers = Map.of(a, predictions(a), b, predictions(b));
		assertThat(answers.get(a)).isNotEqualTo(answers.get(b));
		alias("live", a);
		assertThat(predict("live").path("model").path("jobId").asString()).isEqualTo(a);

		AtomicBoolean switching = new AtomicBoolean(true);
		AtomicInteger wrong = new AtomicInteger();
		AtomicInteger answered = new AtomicInteger();
		Concurrently.run(4, client -> {
			while (switching.get()) {
				JsonNode answer = predict("live");
				String model = answer.path("model").path("jobId").asString();
				if (!sameAnswer(answer.path("predictions"), answers.get(model))) {
					wrong.incrementAndGet();
				}
				answered.incrementAndGet();
			}
		}, () -> {
			for (int i = 0; i < 20; i++) {
				alias("live", i % 2 == 0 ? b : a);
				Thread.sleep(20);
			}
			switching.set(false);
		});
		assertThat(wrong).hasValue(0);
		assertThat(answered.get()).isPositive();
		assertThat(get("/models/aliases").body()).contains("{\"alias\":\"live\",\"modelId\":\"" + a + "\"}");

		assertThat(send(request("/models/aliases/live").DELETE()).statusCode()).isEqualTo(204);
		assertThat(send(request("/predict?model=live").header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(image))).statusCode()).isEqualTo(404);
		assertThat(send(request("/models/aliases/live").DELETE()).statusCode()).isEqualTo(404);
	}

	@Test
	void theDefaultAliasIsThePinAndRemovingItFallsBackToTheNewest() throws IOException {
		String a = importModel(3);
		String newest = importModel(4);
		alias("default", a);
		assertThat(predict(null).path("model").path("jobId").asString()).isEqualTo(a);
		HttpResponse<String> pinned = send(request("/models/default").header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"jobId\": \"" + newest + "\"}")));
		assertThat(pinned.statusCode()).isEqualTo(200);
		assertThat(get("/models/aliases").body()).contains("{\"alias\":\"default\",\"modelId\":\"" + newest + "\"}");
		assertThat(send(request("/models/aliases/default").DELETE()).statusCode()).isEqualTo(204);
		assertThat(get("/models/aliases").body()).doesNotContain("default");
		assertThat(predict(null).path("model").path("jobId").asString()).isEqualTo(newest);
	}

	@Test
	void aliasesAreRefusedForUnknownModelsAndForNamesThatAreModelIds() throws IOException {
		String a = importModel(5);
		String b = importModel(6);
		assertThat(put("/models/aliases/nothing", "0c7d9a8e-0000-0000-0000-000000000000").statusCode()).isEqualTo(404);
		HttpResponse<String> shadow = put("/models/aliases/" + b, a);
		assertThat(shadow.statusCode()).isEqualTo(409);
		assertThat(shadow.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(put("/models/aliases/bad..name", a).statusCode()).isEqualTo(400);
	}

	@Test
	void aModelNamedByAnAliasCannotBeDeletedAndADeletedOneIsGoneWithItsFiles() throws IOException {
		String a = importModel(7);
		alias("keep", a);
		HttpResponse<String> refused = send(request("/models/" + a).DELETE());
		assertThat(refused.statusCode()).isEqualTo(409);
		assertThat(refused.body()).contains("keep");
		assertThat(predict(a).path("model").path("jobId").asString()).isEqualTo(a);

		assertThat(send(request("/models/aliases/keep").DELETE()).statusCode()).isEqualTo(204);
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		double unloadsBefore = meters.get("atelier.model.unloads").tag("reason", "deleted").counter().count();
		assertThat(predict(a).path("model").path("jobId").asString()).as("loaded when deleted").isEqualTo(a);
		assertThat(send(request("/models/" + a).DELETE()).statusCode()).isEqualTo(204);
		assertThat(meters.get("atelier.model.unloads").tag("reason", "deleted").counter().count())
			.isEqualTo(unloadsBefore + 1);
		assertThat(meters.get("atelier.models.loaded").gauge().value()).isZero();
		assertThat(get("/models/" + a).statusCode()).isEqualTo(404);
		assertThat(get("/models").body()).doesNotContain(a);
		assertThat(tmp.resolve("data/imported/" + a)).doesNotExist();
		assertThat(send(request("/models/" + a).DELETE()).statusCode()).isEqualTo(404);
	}

	/**
	 * Three models of 1×100×100 images (2.7 MiB of parameters each) with one loaded at a time: nearly
	 * every request reloads. Besides every answer coming from the model asked, resident memory beyond
	 * the Java heap must not grow by a model per reload. It does grow some (measured 9 to 115 MiB a round
	 * of 50 to 90 reloads on a loaded 2-core machine, 120 KiB to 2.3 MiB a reload; freed parameters kept in
	 * the allocator's per-thread arenas, most likely), so the bound is half a model's parameters per
	 * reload, in the smaller of two rounds.
	 */
	@Test
	void requestsAcrossMoreModelsThanTheBoundAreAllAnsweredByTheirModelInBoundedMemory() throws Exception {
		List<String> models = List.of(importModel(8, LARGE_SIDE), importModel(9, LARGE_SIDE), importModel(12, LARGE_SIDE));
		Map<String, String> answers = new java.util.HashMap<>();
		models.forEach(model -> answers.put(model, predictions(model)));
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		double evictionsBefore = meters.get("atelier.model.evictions").counter().count();
		clientsAcross(models, answers);
		int engineArraysWithOneModel = engineArrays();

		long[] loads = new long[2];
		long[] growth = new long[2];
		for (int round = 0; round < 2; round++) {
			double loadsBefore = meters.get("atelier.model.loads").counter().count();
			long before = PredictionIntegrationTests.nativeKilobytes();
			assertThat(clientsAcross(models, answers)).as("answers from another model or none").isZero();
			growth[round] = PredictionIntegrationTests.nativeKilobytes() - before;
			loads[round] = Math.round(meters.get("atelier.model.loads").counter().count() - loadsBefore);
		}
		assertThat(Math.min(loads[0], loads[1])).as("reloads in a round").isGreaterThanOrEqualTo(MIN_RELOADS);
		long halfAModelKib = parameterBytes(LARGE_SIDE) / 2 / 1024;
		assertThat(meters.get("atelier.model.evictions").counter().count()).isGreaterThan(evictionsBefore + 1);
		assertThat(meters.get("atelier.models.loaded").gauge().value()).isEqualTo(1);
		assertThat(engineArrays()).as("every evicted model's native memory is freed").isEqualTo(engineArraysWithOneModel);
		// A leak grows in both rounds; a one-off (an allocator arena, other test contexts at work) in one.
		assertThat(Math.min(growth[0] / loads[0], growth[1] / loads[1]))
			.as("growth in KiB of resident memory beyond the Java heap and metaspace per reload, the smaller of "
					+ "two rounds (%d KiB over %d reloads, %d KiB over %d)", growth[0], loads[0], growth[1], loads[1])
			.isLessThan(halfAModelKib);
	}

	@Test
	void aModelRecordedElsewhereIsServedAtOnceWithoutWaitingForARefresh() {
		String id = recordElsewhere("elsewhere-", Architecture.SEED_CNN.id());

		assertThat(get("/models/" + id).statusCode()).isEqualTo(200);
		assertThat(predict(id).path("model").path("jobId").asString()).isEqualTo(id);
	}

	@Test
	void aModelOfAnArchitectureThisVersionDoesNotKnowIsLookedUpOnceNotOnEveryRequest() {
		// As a newer version's replica would record one during a rolling upgrade.
		String id = recordElsewhere("later-", "architecture-of-a-later-version");
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		jdbc.sql("SET QUERY_STATISTICS TRUE").update();
		long listings = catalogueListings(jdbc);

		for (int i = 0; i < 20; i++) {
			assertThat(get("/models/" + id).statusCode()).isEqualTo(404);
		}

		assertThat(catalogueListings(jdbc)).isLessThanOrEqualTo(listings + 1);
		jdbc.sql("SET QUERY_STATISTICS FALSE").update();
	}

	/** Records a model as a worker or another replica does: into the store and the catalogue, not through this registry. */
	private static String recordElsewhere(String prefix, String architecture) {
		String id = prefix + java.util.UUID.randomUUID();
		CheckpointMetadata metadata = new CheckpointMetadata(id, 1, architecture, null,
				List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), new CheckpointMetadata.Input(1, 28, 28),
				null, null, java.time.Instant.now());
		try (Model model = Architecture.SEED_CNN.newModel(10, new Shape(1, 1, 28, 28), 5)) {
			context.getBean(ModelCatalog.class).saveImported(id, model.getBlock(), metadata);
		}
		return id;
	}

	@Test
	void requestsForModelsNobodyRecordedDoNotReReadTheCatalogue() {
		JdbcClient jdbc = context.getBean(JdbcClient.class);
		// H2 counts each statement's executions from here on.
		jdbc.sql("SET QUERY_STATISTICS TRUE").update();
		long listings = catalogueListings(jdbc);

		for (int i = 0; i < 20; i++) {
			assertThat(get("/models/never-recorded-" + i).statusCode()).isEqualTo(404);
		}

		assertThat(catalogueListings(jdbc)).isEqualTo(listings);
		jdbc.sql("SET QUERY_STATISTICS FALSE").update();
	}

	private static long catalogueListings(JdbcClient jdbc) {
		return jdbc.sql("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS "
				+ "WHERE SQL_STATEMENT LIKE 'SELECT id, source, location%'")
			.query(Long.class)
			.single();
	}

	private static long parameterBytes(int side) {
		try (Model model = Architecture.SEED_CNN.newModel(10, new Shape(1, 1, side, side), 0)) {
			return model.getBlock()
				.getParameters()
				.values()
				.stream()
				.mapToLong(parameter -> parameter.getArray().size() * Float.BYTES)
				.sum();
		}
	}

	/** Eight clients, each asking the models in turn; answers how many answers were wrong. */
	private static int clientsAcross(List<String> models, Map<String, String> answers) throws Exception {
		AtomicInteger wrong = new AtomicInteger();
		AtomicInteger answered = new AtomicInteger();
		Concurrently.run(8, client -> {
			for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
				String asked = models.get((client + i) % models.size());
				JsonNode answer = predict(asked);
				if (!answer.path("model").path("jobId").asString().equals(asked)
						|| !sameAnswer(answer.path("predictions"), answers.get(asked))) {
					wrong.incrementAndGet();
				}
				answered.incrementAndGet();
			}
		});
		assertThat(answered).hasValue(8 * REQUESTS_PER_CLIENT);
		return wrong.get();
	}

	private static int engineArrays() {
		try (NDManager probe = NDManager.newBaseManager()) {
			return probe.getParentManager().getManagedArrays().size();
		}
	}

	@Test
	void getModelByAliasAnswersTheModelItNames() throws IOException {
		String a = importModel(10);
		alias("staging", a);
		assertThat(getOk("/models/staging").path("jobId").asString()).isEqualTo(a);
		JsonNode defaultModel = json.readTree(get("/models/default").body());
		assertThat(defaultModel.path("isDefault").asBoolean()).isTrue();
		assertThat(get("/models").body()).contains("\"jobId\":\"" + defaultModel.path("jobId").asString() + "\"");
		assertThat(get("/models/no-such-alias").statusCode()).isEqualTo(404);
	}

	@Test
	void theOpenInferenceRoutesTakeAnAlias() throws IOException {
		String a = importModel(11);
		alias("canary", a);
		assertThat(getOk("/v2/models/canary").path("versions").get(0).asString()).isEqualTo(a);
		assertThat(get("/v2/models/canary/versions/" + a + "/ready").statusCode()).isEqualTo(200);

		String body = "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28],\"datatype\":\"UINT8\",\"data\":"
				+ java.util.Arrays.toString(new int[784]) + "}]}";
		HttpResponse<String> inferred = send(request("/v2/models/canary/infer").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
		assertThat(inferred.statusCode()).as(inferred.body()).isEqualTo(200);
		JsonNode answer = json.readTree(inferred.body());
		assertThat(answer.path("model_name").asString()).isEqualTo("canary");
		assertThat(answer.path("model_version").asString()).isEqualTo(a);
		assertThat(get("/v2/models/no-such-alias").statusCode()).isEqualTo(404);
	}

	/** Imports a seed-cnn of 28×28 images with PyTorch's initialisation from {@code seed}; answers its id. */
	private static String importModel(long seed) throws IOException {
		return importModel(seed, 28);
	}

	/** Imports a seed-cnn of {@code side}×{@code side} images; answers its id. */
	private static String importModel(long seed, int side) throws IOException {
		List<Safetensors.Tensor> tensors = new ArrayList<>();
		try (Model model = Architecture.SEED_CNN.newModel(10, new Shape(1, 1, side, side), seed)) {
			for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
				NDArray values = parameter.getValue().getArray();
				tensors.add(new Safetensors.Tensor(Architecture.SEED_CNN.stateDictNames().get(parameter.getKey()),
						values.getShape().getShape(), values.toFloatArray()));
			}
		}
		ByteArrayOutputStream file = new ByteArrayOutputStream();
		Safetensors.write(file, tensors, Map.of("architecture", "seed-cnn", "classNames",
				"[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]", "input",
				"{\"channels\":1,\"height\":" + side + ",\"width\":" + side + ",\"scale\":\"1/255\"}"), json);
		HttpResponse<String> created = send(new MultipartBody()
			.file("file", "m.safetensors", "application/octet-stream", file.toByteArray())
			.post(URI.create("http://localhost:" + port + "/models")));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return json.readTree(created.body()).path("jobId").asString();
	}

	private static String predictions(String model) {
		return predict(model).path("predictions").toString();
	}

	/**
	 * The same classes in the same order with the same probabilities to 1e-6: a request merged into a
	 * batched pass may differ from a lone one in the last bits, never by a model's worth.
	 */
	private static boolean sameAnswer(JsonNode predictions, String reference) {
		if (reference == null) {
			return false;
		}
		JsonNode expected = JsonMapper.builder().build().readTree(reference);
		if (predictions.size() != expected.size()) {
			return false;
		}
		for (int i = 0; i < expected.size(); i++) {
			if (predictions.get(i).path("index").asInt() != expected.get(i).path("index").asInt()
					|| Math.abs(predictions.get(i).path("probability").asDouble()
							- expected.get(i).path("probability").asDouble()) > 1e-6) {
				return false;
			}
		}
		return true;
	}

	private static JsonNode predict(String model) {
		HttpResponse<String> response = send(request("/predict?topK=10&invert=false" + (model == null ? "" : "&model=" + model))
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(image)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static HttpResponse<String> put(String path, String modelId) {
		return send(request(path).header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"modelId\": \"" + modelId + "\"}")));
	}

	private static void alias(String name, String modelId) {
		HttpResponse<String> response = put("/models/aliases/" + name, modelId);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	private static JsonNode getOk(String path) {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static HttpResponse<String> get(String path) {
		return send(request(path).GET());
	}

	private static HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
