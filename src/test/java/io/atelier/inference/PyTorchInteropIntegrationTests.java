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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.atelier.AtelierApplication;
import io.atelier.dataset.ImageSet;
import io.atelier.dataset.RealFashionMnist;
import io.atelier.testing.Need;
import io.atelier.testing.PyTorch;
import io.atelier.testing.Requires;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * A model trained in Atelier, exported over HTTP and loaded into the PyTorch reference module by a
 * real PyTorch, answers as Atelier does.
 */
@Requires(Need.PYTORCH)
class ModelExportIntegrationTests {

	private static final int IMAGES = 1_000;

	private static final int BATCH = 250;

	@TempDir
	static Path tmp;

	private static ConfigurableApplicationContext context;

	private static String modelId;

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static int port;

	@BeforeAll
	static void trainAModel() {
		Path dataset = RealFashionMnist.dir().toAbsolutePath();
		context = new SpringApplicationBuilder(AtelierApplication.class).run("--server.port=0",
				"--atelier.security.insecure-local-mode=true", "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.datasets.fashion-mnist.dir=" + dataset);
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
		String location = send(HttpRequest.newBuilder(uri("/jobs"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"epochs\": 1, \"trainLimit\": 6000}"))
			.build()).headers().firstValue("Location").orElseThrow();
		await().atMost(Duration.ofMinutes(3))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> body(send(HttpRequest.newBuilder(uri(location)).build())).path("state").asString(),
					"SUCCEEDED"::equals);
		modelId = location.substring("/jobs/".length());
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void theExportIsTheReferenceModulesStateDictInFloat32WithItsMetadata() {
		HttpResponse<byte[]> export = export(modelId, "safetensors");
		assertThat(export.statusCode()).isEqualTo(200);
		assertThat(export.headers().firstValue("Content-Disposition"))
			.hasValue("attachment; filename=\"" + modelId + ".safetensors\"");

		JsonNode header = header(export.body());
		Map<String, String> shapes = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> tensor : header.properties()) {
			if (!tensor.getKey().equals("__metadata__")) {
				assertThat(tensor.getValue().path("dtype").asString()).isEqualTo("F32");
				shapes.put(tensor.getKey(), tensor.getValue().path("shape").toString());
			}
		}
		assertThat(shapes).containsExactlyInAnyOrderEntriesOf(Map.of("conv1.weight", "[6,1,5,5]", "conv1.bias", "[6]",
				"conv2.weight", "[12,6,5,5]", "conv2.bias", "[12]", "fc1.weight", "[120,192]", "fc1.bias", "[120]",
				"fc2.weight", "[60,120]", "fc2.bias", "[60]", "out.weight", "[10,60]", "out.bias", "[10]"));
		JsonNode metadata = header.path("__metadata__");
		assertThat(metadata.path("architecture").asString()).isEqualTo("seed-cnn");
		assertThat(json.readTree(metadata.path("classNames").asString()).get(9).asString()).isEqualTo("Ankle boot");
		assertThat(json.readTree(metadata.path("input").asString()).toString())
			.isEqualTo("{\"channels\":1,\"height\":28,\"width\":28,\"scale\":\"1/255\"}");
	}

	@Test
	void pyTorchLoadsTheExportStrictlyAndGivesAteliersProbabilities() throws IOException {
		Path file = Files.write(tmp.resolve(modelId + ".safetensors"), export(modelId, "safetensors").body());
		Path images = Files.createDirectories(tmp.resolve("images"));
		ImageSet test = RealFashionMnist.load().test();
		byte[][] pngs = new byte[IMAGES][];
		for (int i = 0; i < IMAGES; i++) {
			pngs[i] = TestImages.grayPng(28, 28, Arrays.copyOfRange(test.pixels(), i * 784, (i + 1) * 784));
			Files.write(images.resolve(String.format("%04d.png", i)), pngs[i]);
		}
		Path answers = tmp.resolve("pytorch.json");

		PyTorch.run("atelier_reference.py", "predict", file.toString(), images.toString(), answers.toString());

		JsonNode pytorch = json.readTree(answers.toFile()).path("probabilities");
		assertThat(pytorch.size()).isEqualTo(IMAGES);
		double maxDifference = 0;
		for (int from = 0; from < IMAGES; from += BATCH) {
			JsonNode results = body(send(batch(Arrays.asList(pngs).subList(from, from + BATCH)))).path("results");
			for (int i = 0; i < BATCH; i++) {
				for (JsonNode prediction : results.get(i).path("predictions")) {
					double theirs = pytorch.get(from + i).get(prediction.path("index").asInt()).asDouble();
					maxDifference = Math.max(maxDifference, Math.abs(theirs - prediction.path("probability").asDouble()));
				}
			}
		}
		assertThat(maxDifference).isLessThanOrEqualTo(1e-5);
	}

	@Test
	void anUnknownModelIsNotFoundAndAnUnknownFormatABadRequest() {
		assertThat(export("job-does-not-exist", "safetensors").statusCode()).isEqualTo(404);
		HttpResponse<byte[]> onnx = export(modelId, "onnx");
		assertThat(onnx.statusCode()).isEqualTo(400);
		assertThat(new String(onnx.body(), StandardCharsets.UTF_8)).contains("format=safetensors");
	}

	private static JsonNode header(byte[] file) {
		long length = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
		assertThat((8 + length) % 8).as("data aligned to 8 bytes").isZero();
		return json.readTree(new String(file, 8, Math.toIntExact(length), StandardCharsets.UTF_8));
	}

	private static HttpResponse<byte[]> export(String id, String format) {
		try {
			return http.send(HttpRequest.newBuilder(uri("/models/" + id + "/export?format=" + format)).build(),
					HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpRequest batch(List<byte[]> images) {
		String boundary = "atelier-export-test";
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (int i = 0; i < images.size(); i++) {
			body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"" + i
					+ ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			body.writeBytes(images.get(i));
			body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
		return HttpRequest.newBuilder(uri("/predict/batch?topK=10&invert=false"))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build();
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode body(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static URI uri(String path) {
		return URI.create("http://localhost:" + port + path);
	}

}
