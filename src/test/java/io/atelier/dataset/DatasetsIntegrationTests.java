package io.atelier.dataset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import io.atelier.AtelierClient;
import io.atelier.testing.FixtureService;
import io.atelier.testing.MultipartBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Datasets through real HTTP on the running service: an RGB image folder uploaded, trained on and
 * served at its own size; an IDX folder from the configuration; deletion refused while a job needs
 * the dataset; and hostile archives refused with nothing left on the volume.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetsIntegrationTests {

	private static final List<String> DIGITS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
			"eight", "nine");

	@TempDir
	static Path tmp;

	private final AtelierClient client;

	private final JsonMapper json = JsonMapper.builder().build();

	DatasetsIntegrationTests(@LocalServerPort int port) {
		this.client = AtelierClient.local(port);
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		FixtureService.register(registry, tmp, 300, 100);
		registry.add("atelier.security.insecure-local-mode", () -> "true");
		Path plain = plainIdx(tmp.resolve("fixtures"));
		registry.add("atelier.datasets.idx.digits.dir", plain::toString);
		registry.add("atelier.datasets.idx.digits.class-names", () -> String.join(",", DIGITS));
		registry.add("atelier.datasets.uploads.max-uncompressed-size", () -> "4MB");
		registry.add("atelier.jobs.max-training-images", () -> "600000");
	}

	/** The fixtures' IDX files decompressed, as MNIST's are often kept. */
	private static Path plainIdx(Path fixtures) throws IOException {
		Path plain = Files.createDirectories(tmp.resolve("plain"));
		for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
				"t10k-labels-idx1-ubyte")) {
			Files.write(plain.resolve(name), IdxReader.gunzip(fixtures.resolve(name + ".gz"), 1 << 24));
		}
		return plain;
	}

	@Test
	void anRgbFolderDatasetTrainsAModelThatPredictsInItsOwnShape() throws Exception {
		Response created = upload("shapes", ImageFolderZips.shapes(30, 32, 32, 11));
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		assertThat(created.response().headers().firstValue("Location")).hasValue("/datasets/shapes");
		JsonNode dataset = created.body();
		assertThat(dataset.path("kind").asString()).isEqualTo("image-folder");
		assertThat(dataset.path("classes").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
		assertThat(dataset.path("input").toString()).isEqualTo("{\"channels\":3,\"height\":32,\"width\":32}");
		assertThat(dataset.path("train").path("images").asInt()).isEqualTo(72);
		assertThat(dataset.path("test").path("perClass").path("square").asInt()).isEqualTo(6);
		assertThat(get("/datasets/shapes").body()).isEqualTo(dataset);
		assertThat(get("/datasets").body().findValuesAsString("name")).contains("shapes", "fashion-mnist", "digits");

		JsonNode job = train("{\"dataset\": \"shapes\", \"epochs\": 6, \"batchSize\": 8, \"seed\": 1}");
		assertThat(job.path("history").get(5).path("testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
		assertThat(job.path("evaluation").path("confusionMatrix")).hasSize(3);
		String model = job.path("id").asString();
		JsonNode summary = get("/models/" + model).body();
		assertThat(summary.path("classNames").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
		assertThat(summary.path("dataset").asString()).isEqualTo("shapes");
		assertThat(summary.path("input").path("channels").asInt()).isEqualTo(3);
		assertThat(summary.path("input").path("height").asInt()).isEqualTo(32);

		// Larger photos than the model's input, of another aspect, resized as training resized them.
		Random random = new Random(99);
		for (int label = 0; label < 3; label++) {
			byte[] photo = ImageFolderZips.png(ImageFolderZips.shape(label, 80, 64, random));
			JsonNode predicted = predict(model, photo);
			assertThat(predicted.path("predictions").get(0).path("className").asString())
				.isEqualTo(ImageFolderZips.SHAPES.get(label));
		}

		JsonNode metadata = get("/v2/models/" + model).body();
		assertThat(metadata.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,3,32,32]");
		assertThat(metadata.path("outputs").get(0).path("shape").toString()).isEqualTo("[-1,3]");
		BufferedImage square = ImageFolderZips.shape(1, 32, 32, random);
		StringBuilder data = new StringBuilder();
		for (int channel = 0; channel < 3; channel++) {
			for (int y = 0; y < 32; y++) {
				for (int x = 0; x < 32; x++) {
					data.append(data.isEmpty() ? "" : ",").append((square.getRGB(x, y) >> (16 - 8 * channel)) & 0xFF);
				}
			}
		}
		Response inferred = postJson("/v2/models/" + model + "/infer",
				"{\"inputs\":[{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[1,3,32,32],\"data\":[" + data + "]}]}");
		assertThat(inferred.status()).as(inferred.text()).isEqualTo(200);
		JsonNode probabilities = inferred.body().path("outputs").get(0).path("data");
		assertThat(probabilities).hasSize(3);
		assertThat(probabilities.get(1).asDouble()).isGreaterThan(probabilities.get(0).asDouble())
			.isGreaterThan(probabilities.get(2).asDouble());

		HttpResponse<byte[]> preview = client.send(new MultipartBody()
			.file("image", "photo.png", "image/png", ImageFolderZips.png(ImageFolderZips.shape(0, 80, 64, random)))
			.post(client.uri("/predict/input?model=" + model))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(preview.statusCode()).isEqualTo(200);
		BufferedImage seen = ImageIO.read(new ByteArrayInputStream(preview.body()));
		assertThat(seen.getWidth()).isEqualTo(32);
		assertThat(seen.getColorModel().getNumColorComponents()).isEqualTo(3);

		// Exported for PyTorch and imported again, the model keeps its colour input and its classes.
		HttpResponse<byte[]> exported = client.send(client.request("/models/" + model + "/export?format=safetensors")
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(exported.statusCode()).isEqualTo(200);
		Response imported = send(new MultipartBody().file("file", "shapes.safetensors", "application/octet-stream",
				exported.body()).post(client.uri("/models")));
		assertThat(imported.status()).as(imported.text()).isEqualTo(201);
		assertThat(imported.body().path("input").toString())
			.isEqualTo("{\"channels\":3,\"height\":32,\"width\":32,\"invertLight\":false}");
		byte[] photo = ImageFolderZips.png(ImageFolderZips.shape(2, 80, 64, random));
		assertThat(predict(imported.body().path("jobId").asString(), photo).path("predictions"))
			.isEqualTo(predict(model, photo).path("predictions"));
	}

	@Test
	void idxDatasetsComeFromTheConfigurationWithTheirClassNames() {
		JsonNode digits = get("/datasets/digits").body();
		assertThat(digits.path("kind").asString()).isEqualTo("idx");
		assertThat(digits.path("available").asBoolean()).isTrue();
		assertThat(digits.path("classes").get(3).asString()).isEqualTo("three");
		assertThat(digits.path("input").toString()).isEqualTo("{\"channels\":1,\"height\":28,\"width\":28}");
		assertThat(digits.path("train").path("images").asInt()).isEqualTo(300);
		assertThat(digits.path("test").path("perClass").path("nine").asInt()).isEqualTo(10);

		JsonNode job = train("{\"dataset\": \"digits\", \"epochs\": 2, \"batchSize\": 20}");
		JsonNode summary = get("/models/" + job.path("id").asString()).body();
		assertThat(summary.path("classNames").toString()).isEqualTo(json.valueToTree(DIGITS).toString());
		assertThat(summary.path("input").path("invertLight").asBoolean()).isTrue();
		assertThat(delete("/datasets/digits").status()).isEqualTo(409);
	}

	@Test
	void aDatasetIsNotDeletedWhileAJobNeedsItAndIsGoneWithItsFilesAfter() {
		assertThat(upload("busy", ImageFolderZips.zip().twoClasses(5).build()).status()).isEqualTo(201);
		String running = postJson("/jobs", "{\"dataset\": \"busy\", \"epochs\": 1000, \"batchSize\": 1}").location();
		await().atMost(Duration.ofSeconds(60)).until(() -> get(running).body().path("state").asString().equals("RUNNING"));

		Response refused = delete("/datasets/busy");
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.contentType()).isEqualTo("application/problem+json");
		assertThat(refused.body().path("detail").asString()).contains(running.substring("/jobs/".length()));
		assertThat(get("/datasets/busy").status()).isEqualTo(200);

		postJson(running + "/cancel", "");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> get(running).body().path("state").asString().equals("CANCELLED"));
		assertThat(delete("/datasets/busy").status()).isEqualTo(204);
		assertThat(get("/datasets/busy").status()).isEqualTo(404);
		assertThat(uploads()).doesNotContain("busy");
		Response unknown = postJson("/jobs", "{\"dataset\": \"busy\"}");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(delete("/datasets/busy").status()).isEqualTo(404);
		assertThat(delete("/datasets/fashion-mnist").status()).isEqualTo(409);
	}

	@Test
	void aJobOnImagesSmallerThanTheNetworkTakesIsRefusedAtSubmission() {
		Random random = new Random(4);
		ImageFolderZips zip = ImageFolderZips.zip();
		for (int i = 0; i < 4; i++) {
			zip.file("a/" + i + ".png", ImageFolderZips.png(ImageFolderZips.shape(0, 12, 12, random)));
			zip.file("b/" + i + ".png", ImageFolderZips.png(ImageFolderZips.shape(1, 12, 12, random)));
		}
		assertThat(upload("tiny", zip.build()).status()).isEqualTo(201);
		Response refused = postJson("/jobs", "{\"dataset\": \"tiny\"}");
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body().path("detail").asString()).contains("12x12", "at least 16");
		assertThat(delete("/datasets/tiny").status()).isEqualTo(204);
	}

	@Test
	void hostileArchivesAreRefusedAsProblemsAndLeaveNothingBehind() {
		List<String> before = uploads();
		byte[] bomb = ImageFolderZips.zip().twoClasses(2).file("circle/bomb.png", new byte[16 << 20]).build();
		assertRefused(upload("slip", ImageFolderZips.zip().twoClasses(2).file("../../evil.png", new byte[4]).build()),
				422, "climbs out");
		assertRefused(upload("absolute", ImageFolderZips.zip().twoClasses(2).file("/tmp/evil.png", new byte[4]).build()),
				422, "absolute path");
		assertRefused(upload("link", ImageFolderZips.zip().twoClasses(2).symlink("circle/x.png", "/etc/passwd").build()),
				422, "symbolic link");
		assertRefused(upload("bomb", bomb), 413, "max-uncompressed-size");
		assertRefused(upload("lonely", ImageFolderZips.zip().file("only/0.png", ImageFolderZips.png(
				ImageFolderZips.gray(8, 8, 1))).build()), 422, "at least 2");
		assertRefused(upload("hollow", ImageFolderZips.zip().twoClasses(2).directory("empty").build()), 422,
				"holds no PNG or JPEG");
		assertRefused(upload("text", "just text".getBytes()), 400, "zip");
		assertRefused(upload("../up", ImageFolderZips.zip().twoClasses(2).build()), 400, "name");
		assertRefused(upload("fashion-mnist", ImageFolderZips.zip().twoClasses(2).build()), 409, "exists");
		assertThat(uploads()).isEqualTo(before);
	}

	private void assertRefused(Response response, int status, String detail) {
		assertThat(response.status()).as(response.text()).isEqualTo(status);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		assertThat(response.body().path("detail").asString()).contains(detail);
	}

	/** Every folder under the uploads, hidden staging folders included. */
	private List<String> uploads() {
		Path root = tmp.resolve("data").resolve("datasets").resolve("uploads");
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		try (Stream<Path> folders = Files.list(root)) {
			return folders.map(folder -> folder.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private JsonNode train(String hyperparameters) {
		return json.readTree(client.awaitSuccess(client.startJob(hyperparameters), Duration.ofMinutes(3)));
	}

	private JsonNode predict(String model, byte[] png) {
		Response response = send(client.request("/predict?invert=auto&model=" + model)
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(png)));
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return response.body();
	}

	private Response upload(String name, byte[] zip) {
		return send(new MultipartBody().field("name", name).file("file", "data.zip", "application/zip", zip)
			.post(client.uri("/datasets")));
	}

	private Response get(String path) {
		return send(client.request(path).GET());
	}

	private Response delete(String path) {
		return send(client.request(path).DELETE());
	}

	private Response postJson(String path, String body) {
		return send(client.request(path)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private Response send(HttpRequest.Builder request) {
		return new Response(client.send(request), json);
	}

	private record Response(HttpResponse<String> response, JsonMapper json) {

		int status() {
			return response.statusCode();
		}

		String text() {
			return response.body();
		}

		JsonNode body() {
			return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
		}

		String location() {
			return response.headers().firstValue("Location").orElseThrow();
		}

		String contentType() {
			return response.headers().firstValue("Content-Type").orElse("");
		}

	}

}
