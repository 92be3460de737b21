package io.atelier.inference;

import java.io.IOException;
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
import io.atelier.AtelierClient;
import io.atelier.dataset.ImageFolderZips;
import io.atelier.dataset.ImageSet;
import io.atelier.dataset.RealFashionMnist;
import io.atelier.testing.MultipartBody;
import io.atelier.testing.Need;
import io.atelier.testing.PyTorch;
import io.atelier.testing.Requires;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Models in and out through a real PyTorch: one trained in Atelier, exported over HTTP and loaded
 * into the PyTorch reference module, answers as Atelier does; one built in PyTorch, imported as a
 * safetensors state_dict or as TorchScript (saved by Debian's PyTorch 1.13 and by the current one), answers
 * as PyTorch does; a file that does not fit is refused and leaves nothing behind.
 */
@Requires(Need.PYTORCH)
class PyTorchInteropIntegrationTests {

	private static final int IMAGES = 1_000;

	private static final int BATCH = 250;

	private static final String CLASS_NAMES = "[\"T-shirt/top\", \"Trouser\", \"Pullover\", \"Dress\", \"Coat\", "
			+ "\"Sandal\", \"Shirt\", \"Sneaker\", \"Bag\", \"Ankle boot\"]";

	@TempDir
	static Path tmp;

	@AutoClose
	private static ConfigurableApplicationContext context;

	private static String modelId;

	private static byte[][] pngs;

	private static Path images;

	private static Path pytorchModel;

	private static JsonNode pytorchProbabilities;

	private static JsonNode torchScriptProbabilities;


	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static AtelierClient client;

	@BeforeAll
	static void trainAModel() {
		Path dataset = RealFashionMnist.dir().toAbsolutePath();
		context = new SpringApplicationBuilder(AtelierApplication.class).run("--server.port=0",
				"--atelier.security.insecure-local-mode=true", "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.datasets.fashion-mnist.dir=" + dataset, "--atelier.models.max-upload-size=1MB");
		client = AtelierClient.local(((WebServerApplicationContext) context).getWebServer().getPort());
		modelId = train("{\"epochs\": 1, \"trainLimit\": 6000}");
	}

	/** Starts a job, waits for it to succeed, and answers its id, which is its model's. */
	private static String train(String hyperparameters) {
		String id = client.startJob(hyperparameters);
		client.awaitState(id, "SUCCEEDED", Duration.ofMinutes(3));
		return id;
	}

	@BeforeAll
	static void buildAModelInPyTorch() throws IOException {
		images = Files.createDirectories(tmp.resolve("images"));
		ImageSet test = RealFashionMnist.load().test();
		pngs = new byte[IMAGES][];
		for (int i = 0; i < IMAGES; i++) {
			pngs[i] = TestImages.grayPng(28, 28, Arrays.copyOfRange(test.pixels(), i * 784, (i + 1) * 784));
			Files.write(images.resolve(String.format("%04d.png", i)), pngs[i]);
		}
		Path answers = tmp.resolve("built.json");
		PyTorch.run("atelier_reference.py", "build", tmp.resolve("pytorch").toString(), images.toString(),
				answers.toString());
		pytorchModel = tmp.resolve("pytorch.safetensors");
		pytorchProbabilities = json.readTree(answers.toFile()).path("probabilities");

		Path scripted = tmp.resolve("scripted.json");
		PyTorch.runOld("atelier_reference.py", "torchscript", tmp.resolve("torch1").toString(), images.toString(),
				scripted.toString());
		JsonNode torch1 = json.readTree(scripted.toFile());
		assertThat(torch1.path("torch").asString()).startsWith("1.13");
		torchScriptProbabilities = torch1.path("probabilities");
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
			.isEqualTo("{\"channels\":1,\"height\":28,\"width\":28,\"scale\":\"1/255\",\"invertLight\":true}");
	}

	@Test
	void pyTorchLoadsTheExportStrictlyAndGivesAteliersProbabilities() throws IOException {
		byte[] exported = export(modelId, "safetensors").body();

		assertThat(maxDifference(modelId, probabilitiesInPyTorch(modelId, exported))).isLessThanOrEqualTo(1e-5);
	}

	/** The probabilities of the reference module loaded strictly from an export, for every test image. */
	private static JsonNode probabilitiesInPyTorch(String model, byte[] exported) throws IOException {
		Path file = Files.write(tmp.resolve(model + ".safetensors"), exported);
		Path answers = tmp.resolve(model + "-exported.json");
		PyTorch.run("atelier_reference.py", "predict", file.toString(), images.toString(), answers.toString());
		return json.readTree(answers.toFile()).path("probabilities");
	}

	@Test
	void aModelBuiltInPyTorchIsImportedListedAndAnswersAsPyTorchDoes() throws IOException {
		HttpResponse<String> created = client.send(upload(Files.readAllBytes(pytorchModel), Map.of("architecture", "seed-cnn",
				"classNames", CLASS_NAMES, "name", "built in PyTorch")));
		JsonNode model = imported(created);
		String id = model.path("jobId").asString();
		assertThat(model.path("name").asString()).isEqualTo("built in PyTorch");

		Map<String, String> sources = new LinkedHashMap<>();
		body(client.send(HttpRequest.newBuilder(client.uri("/models")).build()))
			.forEach(listed -> sources.put(listed.path("jobId").asString(), listed.path("source").asString()));
		assertThat(sources).containsEntry(id, "imported").containsEntry(modelId, "trained");

		assertThat(maxDifference(id, pytorchProbabilities)).isLessThanOrEqualTo(1e-5);
	}

	@Test
	void aTorchScriptModuleSavedByPyTorch113IsImportedListedAndServedByEveryEndpointAsPyTorchAnswers()
			throws IOException {
		HttpResponse<String> created = client.send(upload(torchScript(""), Map.of("classNames", CLASS_NAMES, "name",
				"scripted in PyTorch 1.13")));
		JsonNode model = imported(created);
		String id = model.path("jobId").asString();
		assertThat(model.path("architecture").asString()).isEqualTo("torchscript");
		assertThat(body(client.send(HttpRequest.newBuilder(client.uri("/models")).build())).findValuesAsString("jobId"))
			.contains(id);

		assertThat(maxDifference(id, torchScriptProbabilities)).isLessThanOrEqualTo(1e-5);
		JsonNode single = body(client.send(HttpRequest.newBuilder(client.uri("/predict?topK=10&invert=false&model=" + id))
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(pngs[7]))
			.build()));
		for (JsonNode prediction : single.path("predictions")) {
			assertThat(prediction.path("probability").asDouble()).isCloseTo(
					torchScriptProbabilities.get(7).get(prediction.path("index").asInt()).asDouble(),
					org.assertj.core.api.Assertions.within(1e-5));
		}
		JsonNode v2 = body(client.send(HttpRequest.newBuilder(client.uri("/v2/models/" + id + "/infer"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(v2Request(7)))
			.build())).path("outputs").get(0);
		assertThat(v2.path("shape").toString()).isEqualTo("[1,10]");
		for (int k = 0; k < 10; k++) {
			assertThat(v2.path("data").get(k).asDouble()).as("class " + k)
				.isCloseTo(torchScriptProbabilities.get(7).get(k).asDouble(), org.assertj.core.api.Assertions.within(1e-5));
		}
		assertThat(export(id, "safetensors").statusCode()).isEqualTo(409);
		assertThat(tmp.resolve("data/imported/" + id + "/model.pt")).hasBinaryContent(torchScript(""));

		assertThat(client.send(HttpRequest.newBuilder(client.uri("/models/" + id)).DELETE().build()).statusCode()).isEqualTo(204);
		assertThat(tmp.resolve("data/imported/" + id)).doesNotExist();
		assertThat(client.send(HttpRequest.newBuilder(client.uri("/predict?model=" + id))
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(pngs[7]))
			.build()).statusCode()).isEqualTo(404);
	}

	/** torch.jit.save of this venv's PyTorch (newer than the engine's libtorch) writes a format it reads. */
	@Test
	void aTorchScriptModuleSavedByTheCurrentPyTorchLoadsWhenItsFormatIsOneLibtorchReads() throws IOException {
		byte[] archive = Files.readAllBytes(tmp.resolve("pytorch-torch2.pt"));
		HttpResponse<String> created = client.send(upload(archive, Map.of("classNames", CLASS_NAMES)));
		assertThat(maxDifference(imported(created).path("jobId").asString(), pytorchProbabilities))
			.isLessThanOrEqualTo(1e-5);
	}

	@Test
	void anExportImportsOnItsOwnMetadataAndAnswersAsTheTrainedModel() {
		HttpResponse<String> created = client.send(upload(export(modelId, "safetensors").body(), Map.of()));
		String id = imported(created).path("jobId").asString();
		JsonNode original = body(client.send(batch(List.of(pngs[0], pngs[1]), modelId))).path("results");
		JsonNode imported = body(client.send(batch(List.of(pngs[0], pngs[1]), id))).path("results");
		assertThat(imported).isEqualTo(original);
	}

	@Test
	void filesThatDoNotFitAreRefusedByNameAndLeaveNothingBehind() throws IOException {
		int before = body(client.send(HttpRequest.newBuilder(client.uri("/models")).build())).size();
		Map<String, String> declared = Map.of("architecture", "seed-cnn", "classNames", CLASS_NAMES);

		assertProblem(upload(pngs[0], declared), 415, "neither a safetensors");
		assertProblem(upload(new byte[] { 'P', 'K', 3, 4, 0, 0 }, declared), 415, "zip archive");
		assertProblem(upload(variant("missing"), declared), 422, "fc2.bias");
		assertProblem(upload(variant("extra"), declared), 422, "fc3.weight");
		JsonNode misshapen = assertProblem(upload(variant("misshapen"), declared), 422, "[5, 60]");
		assertThat(misshapen.path("detail").asString()).contains("[10, 60]");
		assertThat(misshapen.path("errors").get(0).path("tensor").asString()).isEqualTo("out.weight");
		assertProblem(upload(variant("float64"), declared), 422, "F64");
		assertProblem(upload(new byte[2 * 1024 * 1024], declared), 413, "");
		assertProblem(upload(Files.readAllBytes(pytorchModel), Map.of("architecture", "seed-cnn")), 400, "classNames");
		assertProblem(upload(Files.readAllBytes(pytorchModel), Map.of("architecture", "resnet", "classNames",
				CLASS_NAMES)), 400, "seed-cnn");

		Map<String, String> classes = Map.of("classNames", CLASS_NAMES);
		JsonNode pooled = assertProblem(upload(torchScript("-pooled"), classes), 422, "shape (10)");
		assertThat(pooled.path("detail").asString()).contains("expected (2, 10)");
		JsonNode tooNew = assertProblem(upload(torchScript("-too-new"), classes), 422, "file format version 11");
		assertThat(tooNew.path("detail").asString()).contains("libtorch 2.7.1", "versions up to 10");
		JsonNode newOperator = assertProblem(upload(torchScript("-new-operator"), classes), 422, "aten::reshapf,");
		assertThat(newOperator.path("detail").asString()).contains("libtorch 2.7.1 does not have");
		assertProblem(upload(torchScript("-pickle"), classes), 415, "torch.save");
		assertProblem(upload(torchScript(""), Map.of()), 400, "classNames");
		assertProblem(upload(torchScript(""), Map.of("classNames", CLASS_NAMES, "architecture", "seed-cnn")), 400,
				"architecture");
		assertProblem(upload(torchScript(""), Map.of("classNames", "[\"one\", \"two\"]")), 422, "expected (2, 2)");
		byte[] oversize = Arrays.copyOf(torchScript(""), 2 * 1024 * 1024);
		assertProblem(upload(oversize, classes), 413, "");

		assertThat(body(client.send(HttpRequest.newBuilder(client.uri("/models")).build())).size()).isEqualTo(before);
		Path imported = tmp.resolve("data/imported");
		if (Files.isDirectory(imported)) {
			try (var entries = Files.list(imported)) {
				assertThat(entries.map(path -> path.getFileName().toString()))
					.as("only whole imports, no half-written folder")
					.allMatch(name -> name.matches("[0-9a-f-]{36}"));
			}
		}
	}

	private static JsonNode assertProblem(HttpRequest request, int status, String mentioned) {
		HttpResponse<String> response = client.send(request);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("detail").asString()).contains(mentioned);
		return problem;
	}

	/** The TorchScript that Debian's PyTorch 1.13 saved, or one of its variants for the error cases. */
	private static byte[] torchScript(String variant) throws IOException {
		return Files.readAllBytes(tmp.resolve("torch1" + variant + ".pt"));
	}

	/** One test image as an Open Inference (KServe V2) request of pixels scaled by 1/255. */
	private static String v2Request(int image) {
		StringBuilder data = new StringBuilder();
		byte[] pixels = Arrays.copyOfRange(RealFashionMnist.load().test().pixels(), image * 784, (image + 1) * 784);
		for (byte pixel : pixels) {
			data.append(data.isEmpty() ? "" : ",").append((pixel & 0xFF) / 255f);
		}
		return "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,1,28,28],\"datatype\":\"FP32\",\"data\":[" + data
				+ "]}]}";
	}

	private static byte[] variant(String name) throws IOException {
		return Files.readAllBytes(tmp.resolve("pytorch-" + name + ".safetensors"));
	}

	/** The largest difference between {@code expected} and the model's answers over all test images. */
	private static double maxDifference(String model, JsonNode expected) {
		assertThat(expected.size()).isEqualTo(IMAGES);
		double maxDifference = 0;
		for (int from = 0; from < IMAGES; from += BATCH) {
			JsonNode results = body(client.send(batch(Arrays.asList(pngs).subList(from, from + BATCH), model)))
				.path("results");
			for (int i = 0; i < BATCH; i++) {
				for (JsonNode prediction : results.get(i).path("predictions")) {
					double theirs = expected.get(from + i).get(prediction.path("index").asInt()).asDouble();
					maxDifference = Math.max(maxDifference, Math.abs(theirs - prediction.path("probability").asDouble()));
				}
			}
		}
		return maxDifference;
	}

	@Test
	void aCnnBnExportIsTheReferenceModulesStrictStateDictAndAnswersInPyTorchAsInAtelier() throws IOException {
		String model = train("{\"architecture\": \"cnn-bn\", \"epochs\": 1, \"trainLimit\": 2000, \"batchSize\": 100}");
		byte[] exported = export(model, "safetensors").body();

		Map<String, String> dtypes = new LinkedHashMap<>();
		header(exported).properties().forEach(tensor -> {
			if (!tensor.getKey().equals("__metadata__")) {
				dtypes.put(tensor.getKey(), tensor.getValue().path("dtype").asString() + tensor.getValue().path("shape"));
			}
		});
		assertThat(dtypes).containsEntry("layers.1.running_mean", "F32[16]")
			.containsEntry("layers.1.running_var", "F32[16]")
			.containsEntry("layers.1.num_batches_tracked", "I64[]")
			.containsEntry("layers.12.num_batches_tracked", "I64[]")
			.containsEntry("layers.20.weight", "F32[10,128]")
			.hasSize(28);
		// load_state_dict(strict=True): every key of CnnBn().state_dict(), batch counts included, and no other.
		assertThat(maxDifference(model, probabilitiesInPyTorch(model, exported))).isLessThanOrEqualTo(1e-5);
	}

	@Test
	void aCnnBnBuiltInPyTorchWithItsBatchCountsIsImportedAndAnswersAsPyTorchDoes() throws IOException {
		Path answers = tmp.resolve("cnn-bn-built.json");
		PyTorch.run("atelier_reference.py", "build-cnn-bn", tmp.resolve("cnn-bn").toString(), images.toString(),
				answers.toString());
		Map<String, String> declared = Map.of("architecture", "cnn-bn", "classNames", CLASS_NAMES);

		HttpResponse<String> created = client.send(upload(Files.readAllBytes(tmp.resolve("cnn-bn.safetensors")), declared));

		String id = imported(created).path("jobId").asString();
		assertThat(maxDifference(id, json.readTree(answers.toFile()).path("probabilities"))).isLessThanOrEqualTo(1e-5);
		JsonNode floatCount = assertProblem(
				upload(Files.readAllBytes(tmp.resolve("cnn-bn-float-count.safetensors")), declared), 422,
				"layers.1.num_batches_tracked");
		assertThat(floatCount.path("detail").asString()).contains("I64");
	}

	/** seed-cnn on 3×28×36 images: another first convolution and flattened size (288), the same module. */
	@Test
	void anRgbModelOfAnotherShapeLoadsIntoTheReferenceModuleAndAnswersAsAtelierDoes() throws IOException {
		HttpResponse<String> created = client.send(new MultipartBody().field("name", "shapes")
			.file("file", "shapes.zip", "application/zip", ImageFolderZips.shapes(20, 36, 28, 3))
			.post(client.uri("/datasets"))
			.build());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String model = train("{\"dataset\": \"shapes\", \"epochs\": 2, \"batchSize\": 10}");
		Path colour = Files.createDirectories(tmp.resolve("colour"));
		java.util.Random random = new java.util.Random(5);
		List<byte[]> shapes = new java.util.ArrayList<>();
		for (int i = 0; i < 12; i++) {
			shapes.add(ImageFolderZips.png(ImageFolderZips.shape(i % 3, 36, 28, random)));
			Files.write(colour.resolve(String.format("%02d.png", i)), shapes.get(i));
		}
		Path file = Files.write(tmp.resolve(model + ".safetensors"), export(model, "safetensors").body());
		Path answers = tmp.resolve("colour.json");

		PyTorch.run("atelier_reference.py", "predict", file.toString(), colour.toString(), answers.toString());

		JsonNode theirs = json.readTree(answers.toFile()).path("probabilities");
		MultipartBody request = new MultipartBody();
		shapes.forEach(png -> request.file("images", "shape.png", "image/png", png));
		JsonNode ours = body(client.send(request.post(client.uri("/predict/batch?topK=3&model=" + model)).build())).path("results");
		assertThat(theirs).hasSize(12);
		for (int i = 0; i < 12; i++) {
			for (JsonNode prediction : ours.get(i).path("predictions")) {
				assertThat(theirs.get(i).get(prediction.path("index").asInt()).asDouble())
					.isCloseTo(prediction.path("probability").asDouble(), org.assertj.core.api.Assertions.within(1e-5));
			}
		}
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
			return http.send(HttpRequest.newBuilder(client.uri("/models/" + id + "/export?format=" + format)).build(),
					HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpRequest batch(List<byte[]> images, String model) {
		MultipartBody body = new MultipartBody();
		for (int i = 0; i < images.size(); i++) {
			body.file("images", i + ".png", "image/png", images.get(i));
		}
		return body.post(client.uri("/predict/batch?topK=10&invert=false&model=" + model)).build();
	}

	private static HttpRequest upload(byte[] file, Map<String, String> fields) {
		MultipartBody body = new MultipartBody();
		fields.forEach(body::field);
		return body.file("file", "model.safetensors", "application/octet-stream", file).post(client.uri("/models")).build();
	}


	/** The model an upload created, once the answer says so: 201, where it is, and that it was imported. */
	private static JsonNode imported(HttpResponse<String> created) {
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode model = json.readTree(created.body());
		assertThat(created.headers().firstValue("Location")).hasValue("/models/" + model.path("jobId").asString());
		assertThat(model.path("source").asString()).isEqualTo("imported");
		return model;
	}

	private static JsonNode body(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

}
