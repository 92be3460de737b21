package io.atelier.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import io.atelier.AtelierApplication;
import io.atelier.dataset.ImageSet;
import io.atelier.dataset.RealFashionMnist;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The Open Inference Protocol (KServe V2) REST endpoints through real HTTP, against a model trained
 * on the real Fashion-MNIST: the protocol's documented request and response shapes, the binary
 * tensor data extension built byte by byte, the classification extension, errors as
 * {@code {"error": ...}}, API-key roles, and the same answers as {@code POST /predict}.
 */
class OpenInferenceIntegrationTests {

	private static final String TRAINER = "t".repeat(40);

	private static final String PREDICTOR = "p".repeat(40);

	@TempDir
	static Path tmp;

	@AutoClose
	private static ConfigurableApplicationContext context;

	private static ImageSet test;

	private static String modelId;

	private static int port;

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	@BeforeAll
	static void trainAModel() {
		test = RealFashionMnist.load().test();
		context = new SpringApplicationBuilder(AtelierApplication.class).run("--server.port=0",
				"--atelier.security.trainer-keys=" + TRAINER, "--atelier.security.predictor-keys=" + PREDICTOR,
				"--atelier.data-dir=" + tmp.resolve("data"), "--atelier.inference.max-batch-images=8",
				"--atelier.datasets.fashion-mnist.dir=" + RealFashionMnist.dir().toAbsolutePath());
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpResponse<String> none = send(request("/v2/models/default", PREDICTOR).build());
		assertThat(none.statusCode()).as("no model yet").isEqualTo(404);
		HttpResponse<String> created = send(request("/jobs", TRAINER).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"epochs\": 1, \"trainLimit\": 10000}"))
			.build());
		modelId = read(created.body()).path("id").asString();
		JsonNode job = await().atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> read(send(request("/jobs/" + modelId, TRAINER).build()).body()),
					state -> state.path("state").asString().equals("SUCCEEDED"));
		assertThat(job.path("history").get(0).path("testAccuracy").asDouble()).as(job.toString()).isGreaterThan(0.6);
	}

	@Test
	void serverMetadataAndHealthFollowTheProtocol() {
		JsonNode server = ok(send(request("/v2", PREDICTOR).build()));
		assertThat(server.path("name").asString()).isEqualTo("atelier");
		assertThat(server.path("version").isString()).isTrue();
		assertThat(server.path("extensions").values()).extracting(JsonNode::asString)
			.contains("classification", "binary_tensor_data");
		HttpResponse<String> live = send(request("/v2/health/live", null).build());
		assertThat(live.statusCode()).as("probes need no key").isEqualTo(200);
		assertThat(read(live.body()).path("live").asBoolean()).isTrue();
		HttpResponse<String> ready = send(request("/v2/health/ready", null).build());
		assertThat(ready.statusCode()).isEqualTo(200);
		assertThat(read(ready.body()).path("ready").asBoolean()).isTrue();
	}

	@Test
	void modelMetadataByIdByDefaultAndByVersion() {
		for (String path : List.of("/v2/models/" + modelId, "/v2/models/default",
				"/v2/models/" + modelId + "/versions/" + modelId, "/v2/models/default/versions/" + modelId)) {
			JsonNode metadata = ok(send(request(path, PREDICTOR).build()));
			assertThat(metadata.path("name").asString()).as(path).isIn(modelId, "default");
			assertThat(metadata.path("versions").get(0).asString()).isEqualTo(modelId);
			assertThat(metadata.path("platform").asString()).isEqualTo("pytorch_libtorch");
			JsonNode input = metadata.path("inputs").get(0);
			assertThat(input.path("name").asString()).isEqualTo("image");
			assertThat(input.path("datatype").asString()).isEqualTo("FP32");
			assertThat(input.path("shape").toString()).isEqualTo("[-1,1,28,28]");
			JsonNode output = metadata.path("outputs").get(0);
			assertThat(output.path("name").asString()).isEqualTo("probabilities");
			assertThat(output.path("datatype").asString()).isEqualTo("FP32");
			assertThat(output.path("shape").toString()).isEqualTo("[-1,10]");
			HttpResponse<String> ready = send(request(path + "/ready", PREDICTOR).build());
			assertThat(ready.statusCode()).as(path + "/ready").isEqualTo(200);
		}
		assertError(send(request("/v2/models/no-such-model", PREDICTOR).build()), 404, "no-such-model");
		assertError(send(request("/v2/models/no-such-model/ready", PREDICTOR).build()), 404, "no-such-model");
		assertError(send(request("/v2/models/" + modelId + "/versions/other", PREDICTOR).build()), 404, "other");
	}

	/** The protocol's documented example, with this model's input: an id, a named output, JSON data. */
	@Test
	void theDocumentedJsonExampleAnswersWithTheRequestIdAndTheNamedOutput() {
		ObjectNode body = json.createObjectNode().put("id", "42");
		ObjectNode input = body.putArray("inputs").addObject().put("name", "image").put("datatype", "FP32");
		input.putArray("shape").add(2).add(1).add(28).add(28);
		ArrayNode data = input.putArray("data");
		for (int i = 0; i < 2; i++) {
			for (float value : scaled(i)) {
				data.add(value);
			}
		}
		body.putArray("outputs").addObject().put("name", "probabilities");
		HttpResponse<String> response = infer("/v2/models/" + modelId + "/infer", body.toString());
		JsonNode answer = ok(response);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(answer.path("id").asString()).isEqualTo("42");
		assertThat(answer.path("model_name").asString()).isEqualTo(modelId);
		assertThat(answer.path("model_version").asString()).isEqualTo(modelId);
		JsonNode output = answer.path("outputs").get(0);
		assertThat(output.path("name").asString()).isEqualTo("probabilities");
		assertThat(output.path("datatype").asString()).isEqualTo("FP32");
		assertThat(output.path("shape").toString()).isEqualTo("[2,10]");
		assertThat(output.path("data")).hasSize(20);
		for (int row = 0; row < 2; row++) {
			double sum = 0;
			for (int k = 0; k < 10; k++) {
				sum += output.path("data").get(row * 10 + k).asDouble();
			}
			assertThat(sum).isCloseTo(1.0, within(1e-5));
		}
	}

	/** The documented example itself names tensors this model does not have: a protocol error says so. */
	@Test
	void theDocumentedExampleVerbatimIsRefusedInTheProtocolsErrorForm() {
		String example = """
				{
				  "id" : "42",
				  "inputs" : [
				    { "name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "data" : [ 1, 2, 3, 4 ] },
				    { "name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "data" : [ true ] }
				  ],
				  "outputs" : [ { "name" : "output0" } ]
				}""";
		assertError(infer("/v2/models/" + modelId + "/infer", example), 400, "'input0'");
	}

	@Test
	void everyInputFormAgreesWithPredictOnRealImages() {
		for (int i = 0; i < 12; i++) {
			float[] expected = predictProbabilities(i);
			byte[] png = png(i);
			String base = "/v2/models/" + (i % 2 == 0 ? "default" : modelId) + "/infer";
			assertProbabilities(ok(infer(base, tensor("FP32", "[1, 1, 28, 28]", nested(scaled(i))))), expected, "FP32");
			assertProbabilities(ok(infer(base, tensor("UINT8", "[1, 28, 28]", flat(raw(i))))), expected, "UINT8");
			assertProbabilities(ok(infer(base, tensor("BYTES", "[1]",
					"[\"" + Base64.getEncoder().encodeToString(png) + "\"]"))), expected, "BYTES base64");
			Binary binary = binaryInfer(base, "BYTES", "[1]", lengthPrefixed(png), null);
			assertProbabilities(binary.json(), expected, "BYTES binary");
		}
	}

	/**
	 * The binary tensor data extension, by hand: the JSON header, then the raw bytes of the input,
	 * {@code Inference-Header-Content-Length} saying where the JSON ends; binary output back.
	 */
	@Test
	void aBinaryRequestBuiltByteByByteGetsBinaryProbabilities() {
		byte[] pixels = new byte[2 * 784];
		System.arraycopy(raw(3), 0, pixels, 0, 784);
		System.arraycopy(raw(4), 0, pixels, 784, 784);
		String header = "{\"inputs\":[{\"name\":\"image\",\"shape\":[2,1,28,28],\"datatype\":\"UINT8\","
				+ "\"parameters\":{\"binary_data_size\":1568}}],"
				+ "\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]}";
		byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(headerBytes);
		for (byte pixel : pixels) {
			body.write(pixel);
		}
		HttpResponse<byte[]> response = sendBytes(request("/v2/models/" + modelId + "/infer", PREDICTOR)
			.header("Content-Type", "application/octet-stream")
			.header("Inference-Header-Content-Length", Integer.toString(headerBytes.length))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build());
		assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
		int jsonLength = Integer.parseInt(response.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
		JsonNode answer = json.readTree(new String(response.body(), 0, jsonLength, StandardCharsets.UTF_8));
		JsonNode output = answer.path("outputs").get(0);
		assertThat(output.has("data")).isFalse();
		assertThat(output.path("shape").toString()).isEqualTo("[2,10]");
		assertThat(output.path("parameters").path("binary_data_size").asInt()).isEqualTo(80);
		assertThat(response.body()).hasSize(jsonLength + 80);
		ByteBuffer floats = ByteBuffer.wrap(response.body(), jsonLength, 80).order(ByteOrder.LITTLE_ENDIAN);
		for (int image = 3; image <= 4; image++) {
			float[] expected = predictProbabilities(image);
			for (int k = 0; k < 10; k++) {
				assertThat(floats.getFloat()).as("image %d class %d", image, k).isCloseTo(expected[k], within(1e-6f));
			}
		}
	}

	@Test
	void theClassificationExtensionAnswersTheTopClassesAsProbabilityIndexLabel() {
		float[] expected = predictProbabilities(0);
		String body = "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28],\"datatype\":\"UINT8\",\"data\":"
				+ flat(raw(0)) + "}],\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"classification\":3}}]}";
		JsonNode output = ok(infer("/v2/models/" + modelId + "/infer", body)).path("outputs").get(0);
		assertThat(output.path("datatype").asString()).isEqualTo("BYTES");
		assertThat(output.path("shape").toString()).isEqualTo("[1,3]");
		Integer[] order = new Integer[10];
		Arrays.setAll(order, k -> k);
		Arrays.sort(order, (a, b) -> Float.compare(expected[b], expected[a]));
		List<String> classNames = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
				"Sneaker", "Bag", "Ankle boot");
		for (int k = 0; k < 3; k++) {
			String[] parts = output.path("data").get(k).asString().split(":", 3);
			assertThat(Float.parseFloat(parts[0])).isCloseTo(expected[order[k]], within(1e-6f));
			assertThat(Integer.parseInt(parts[1])).isEqualTo(order[k]);
			assertThat(parts[2]).isEqualTo(classNames.get(order[k]));
		}
		Binary binary = binaryInfer("/v2/models/" + modelId + "/infer", "BYTES", "[1, 1]", lengthPrefixed(png(0)),
				"{\"name\":\"probabilities\",\"parameters\":{\"classification\":2,\"binary_data\":true}}");
		ByteBuffer data = ByteBuffer.wrap(binary.data()).order(ByteOrder.LITTLE_ENDIAN);
		byte[] first = new byte[data.getInt()];
		data.get(first);
		assertThat(new String(first, StandardCharsets.UTF_8)).endsWith(":" + order[0] + ":" + classNames.get(order[0]));
	}

	@Test
	void shapeDatatypeAndContentMismatchesAreProtocolErrors() {
		String infer = "/v2/models/" + modelId + "/infer";
		assertError(infer(infer, tensor("FP32", "[1, 28, 28]", flat(new byte[784]))), 400, "[-1, 1, 28, 28]");
		assertError(infer(infer, tensor("FP32", "[1, 1, 28, 28]", "[0.5, 0.5]")), 400, "2 elements");
		assertError(infer(infer, tensor("FP32", "[1, 1, 28, 28]", "[\"a\"]")), 400, "FP32");
		assertError(infer(infer, tensor("INT64", "[1, 1, 28, 28]", flat(new byte[784]))), 400, "INT64");
		assertError(infer(infer, tensor("UINT8", "[1, 28, 28]", "[300]")), 400, "0 to 255");
		assertError(infer(infer, tensor("UINT8", "[1, 27, 28]", flat(new byte[756]))), 400, "[1, 27, 28]");
		assertError(infer(infer, tensor("UINT8", "[9, 28, 28]", flat(new byte[9 * 784]))), 400, "1 to 8");
		assertError(infer(infer, tensor("BYTES", "[1]", "[\"not base64!\"]")), 400, "base64");
		assertError(infer(infer, tensor("BYTES", "[1]", "[\"" + Base64.getEncoder().encodeToString(new byte[10]) + "\"]")),
				400, "not a PNG");
		assertError(infer(infer, "{\"inputs\": [}"), 400, "not valid JSON");
		assertError(infer(infer, "{}"), 400, "'inputs'");
		assertError(infer(infer, tensor("UINT8", "[1, 28, 28]", flat(raw(0))).replace("}]}",
				"}], \"outputs\": [{\"name\": \"logits\"}]}")), 400, "'logits'");
		assertError(infer(infer, tensor("UINT8", "[1, 28, 28]", flat(raw(0))).replace("}]}",
				"}], \"outputs\": [{\"name\": \"probabilities\", \"parameters\": {\"classification\": 11}}]}")), 400,
				"top 11");
		String header = "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28],\"datatype\":\"UINT8\","
				+ "\"parameters\":{\"binary_data_size\":784}}]}";
		byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
		byte[] shortBody = Arrays.copyOf(headerBytes, headerBytes.length + 100);
		assertError(sendBinary(infer, shortBody, headerBytes.length), 400, "only 100 bytes");
		assertError(sendBinary(infer, headerBytes, headerBytes.length + 1), 400, "Inference-Header-Content-Length");
		byte[] wrongSize = header.replace("784", "100").getBytes(StandardCharsets.UTF_8);
		assertError(sendBinary(infer, Arrays.copyOf(wrongSize, wrongSize.length + 100), wrongSize.length), 400,
				"takes 784 bytes");
		assertError(infer("/v2/models/no-such-model/infer", tensor("UINT8", "[1, 28, 28]", flat(raw(0)))), 404,
				"no-such-model");
	}

	@Test
	void theSameKeysAndMetricsAsPredict() {
		String body = tensor("UINT8", "[1, 28, 28]", flat(raw(0)));
		HttpRequest.Builder noKey = request("/v2/models/" + modelId + "/infer", null)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		assertThat(send(noKey.build()).statusCode()).isEqualTo(401);
		assertThat(send(request("/v2/models/" + modelId, null).build()).statusCode()).isEqualTo(401);
		assertThat(send(request("/v2", "x".repeat(40)).build()).statusCode()).isEqualTo(401);
		ok(infer("/v2/models/" + modelId + "/infer", body));
		String metrics = send(request("/actuator/prometheus", TRAINER).build()).body();
		assertThat(metrics.lines()).anySatisfy(line -> assertThat(line).startsWith("http_server_requests_seconds_count{")
			.contains("uri=\"/v2/models/{name}/infer\"", "status=\"200\""));
		assertThat(metrics).contains("atelier_predict_images_count", "atelier_inference_batch_size_images_count");
	}

	private record Binary(JsonNode json, byte[] data) {
	}

	private static Binary binaryInfer(String path, String datatype, String shape, byte[] data, String output) {
		String header = "{\"inputs\":[{\"name\":\"image\",\"shape\":" + shape + ",\"datatype\":\"" + datatype
				+ "\",\"parameters\":{\"binary_data_size\":" + data.length + "}}]"
				+ (output == null ? "" : ",\"outputs\":[" + output + "]") + "}";
		byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(headerBytes);
		body.writeBytes(data);
		HttpResponse<byte[]> response = sendBytes(request(path, PREDICTOR)
			.header("Inference-Header-Content-Length", Integer.toString(headerBytes.length))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build());
		assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
		int jsonLength = response.headers()
			.firstValue("Inference-Header-Content-Length")
			.map(Integer::parseInt)
			.orElse(response.body().length);
		return new Binary(json.readTree(new String(response.body(), 0, jsonLength, StandardCharsets.UTF_8)),
				Arrays.copyOfRange(response.body(), jsonLength, response.body().length));
	}

	private static HttpResponse<String> sendBinary(String path, byte[] body, int headerLength) {
		return send(request(path, PREDICTOR).header("Inference-Header-Content-Length", Integer.toString(headerLength))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build());
	}

	/** Each element a little-endian 4-byte length, then its bytes: how BYTES travel as binary data. */
	private static byte[] lengthPrefixed(byte[] element) {
		return ByteBuffer.allocate(4 + element.length).order(ByteOrder.LITTLE_ENDIAN).putInt(element.length).put(element)
			.array();
	}

	private static void assertProbabilities(JsonNode answer, float[] expected, String form) {
		JsonNode data = answer.path("outputs").get(0).path("data");
		assertThat(data).as(form).hasSize(expected.length);
		for (int k = 0; k < expected.length; k++) {
			assertThat(data.get(k).floatValue()).as(form + " class " + k).isCloseTo(expected[k], within(1e-6f));
		}
	}

	/** All ten probabilities from {@code POST /predict}, by class index. */
	private static float[] predictProbabilities(int image) {
		HttpResponse<String> response = send(request("/predict?topK=10", PREDICTOR).header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(png(image)))
			.build());
		float[] probabilities = new float[10];
		for (JsonNode prediction : ok(response).path("predictions")) {
			probabilities[prediction.path("index").asInt()] = (float) prediction.path("probability").asDouble();
		}
		return probabilities;
	}

	private static String tensor(String datatype, String shape, String data) {
		return "{\"inputs\":[{\"name\":\"image\",\"shape\":" + shape + ",\"datatype\":\"" + datatype + "\",\"data\":"
				+ data + "}]}";
	}

	private static String flat(byte[] pixels) {
		StringBuilder data = new StringBuilder("[");
		for (int i = 0; i < pixels.length; i++) {
			data.append(i == 0 ? "" : ",").append(pixels[i] & 0xFF);
		}
		return data.append(']').toString();
	}

	/** One image as the nested rows of an NCHW tensor: [[[row, row, ...]]]. */
	private static String nested(float[] pixels) {
		StringBuilder data = new StringBuilder("[[[");
		for (int row = 0; row < 28; row++) {
			data.append(row == 0 ? "[" : ",[");
			for (int col = 0; col < 28; col++) {
				data.append(col == 0 ? "" : ",").append(pixels[row * 28 + col]);
			}
			data.append(']');
		}
		return data.append("]]]").toString();
	}

	private static byte[] raw(int index) {
		return Arrays.copyOfRange(test.pixels(), index * 784, (index + 1) * 784);
	}

	private static float[] scaled(int index) {
		byte[] raw = raw(index);
		float[] pixels = new float[raw.length];
		io.atelier.network.Preprocessing.scale(raw, 0, raw.length, pixels, 0);
		return pixels;
	}

	private static byte[] png(int index) {
		return TestImages.grayPng(28, 28, raw(index));
	}

	private static void assertError(HttpResponse<String> response, int status, String mentions) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		JsonNode error = read(response.body());
		assertThat(error.properties()).as(response.body()).hasSize(1);
		assertThat(error.path("error").asString()).contains(mentions);
	}

	private static HttpResponse<String> infer(String path, String body) {
		return send(request(path, PREDICTOR).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private static HttpRequest.Builder request(String path, String key) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
		return key == null ? builder : builder.header("Authorization", "Bearer " + key);
	}

	private static JsonNode ok(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return read(response.body());
	}

	private static JsonNode read(String body) {
		return json.readTree(body);
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpResponse<byte[]> sendBytes(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
