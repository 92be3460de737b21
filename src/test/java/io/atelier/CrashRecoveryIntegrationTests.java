package io.atelier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.atelier.testing.FreePorts;
import io.atelier.testing.ServiceProcess;
import io.atelier.dataset.IdxFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar as its own process, killed with SIGKILL in the middle of an epoch and started
 * again on the same data directory: the interrupted job resumes from its last checkpoint and
 * completes, nothing on the volume is corrupt, and every earlier job and model is still there.
 */
class CrashRecoveryIntegrationTests {

	private static final String KEY = "crash-test-trainer-key-0123456789abcdef";

	@TempDir
	Path tmp;

	private Process service;

	private final JsonMapper json = JsonMapper.builder().build();

	private Path fixtures;

	private int port;

	private AtelierClient client;

	@BeforeEach
	void startTheServiceWithAModel() throws IOException {
		fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 1000, 200);
		port = FreePorts.next();
		client = new AtelierClient("http://localhost:" + port, KEY);
		service = start("first.log");
	}

	@Test
	void aJobKilledMidEpochResumesFromItsLastCheckpointAndNothingIsLost() throws Exception {
		String earlier = client.startJob("{\"epochs\": 1, \"trainLimit\": 200}");
		client.awaitState(earlier, "SUCCEEDED", Duration.ofMinutes(1));
		String interrupted = startAJobAndWaitUntilItIsWithinEpochTwo();
		service.destroyForcibly().waitFor();
		assertThat(service.exitValue()).as("killed by SIGKILL").isEqualTo(137);

		service = start("second.log");
		client.awaitState(interrupted, "SUCCEEDED", Duration.ofMinutes(2));
		JsonNode job = job(client, interrupted);
		assertThat(job.path("history")).extracting(epoch -> epoch.path("epoch").asInt()).containsExactly(1, 2, 3);
		JsonNode resumption = job.path("resumes").get(0);
		assertThat(resumption.path("fromEpoch").asInt()).isEqualTo(2);
		assertThat(resumption.path("reason").asString()).contains("from the checkpoint of epoch 1");

		assertThat(job(client, earlier).path("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(client.get("/jobs").body()).contains(earlier, interrupted);
		assertThat(client.get("/models").body()).contains(earlier, interrupted);
		assertThat(client.predictBlackImage()).contains("\"jobId\"");
		assertEveryCheckpointIsComplete(tmp.resolve("data/jobs"));
	}

	@Test
	void aSigtermLetsInFlightPredictionsFinishAndTheRunningJobResumesWhereItStopped() throws Exception {
		client.awaitState(client.startJob("{\"epochs\": 1, \"trainLimit\": 300}"), "SUCCEEDED", Duration.ofMinutes(1));
		String running = startAJobAndWaitUntilItIsWithinEpochTwo();

		List<Call> calls = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
		java.util.concurrent.ExecutorService load = java.util.concurrent.Executors.newFixedThreadPool(4);
		for (int i = 0; i < 4; i++) {
			load.execute(() -> {
				while (service.isAlive()) {
					calls.add(Call.of(() -> client.send(client.request("/predict/batch")
						.header("Content-Type", "multipart/form-data; boundary=b")
						.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(BATCH))).statusCode()));
				}
			});
		}
		Thread.sleep(1500);
		long sigterm = System.nanoTime();
		service.destroy();
		assertThat(service.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
		load.shutdown();
		assertThat(load.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();

		List<Call> inFlight = calls.stream().filter(call -> call.start() < sigterm && call.end() > sigterm).toList();
		assertThat(inFlight).as("predictions in flight when SIGTERM came").isNotEmpty();
		assertThat(inFlight).filteredOn(call -> call.status() > 0).isNotEmpty().allMatch(call -> call.status() == 200);
		assertThat(calls).noneMatch(call -> call.status() >= 500);

		service = start("second.log");
		client.awaitState(running, "SUCCEEDED", Duration.ofMinutes(2));
		JsonNode resumed = job(client, running);
		assertThat(resumed.path("resumes").get(0).path("reason").asString()).contains("from the point saved at shutdown");
		assertThat(resumed.path("resumes").get(0).path("fromEpoch").asInt()).isEqualTo(2);
		assertThat(resumed.path("resumes").get(0).path("fromBatch").asInt()).isGreaterThanOrEqualTo(20);
		assertThat(resumed.path("history")).hasSize(3);
	}

	/** A 3-epoch job of 200 batches an epoch, once it has trained 20 batches of its second epoch. */
	private String startAJobAndWaitUntilItIsWithinEpochTwo() {
		String id = client.startJob("{\"epochs\": 3, \"batchSize\": 5}");
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			JsonNode progress = job(client, id).path("progress");
			return progress.path("epoch").asInt() == 2 && progress.path("batch").asInt() >= 20;
		});
		return id;
	}

	/** One request: when it started and ended, and its status, or 0 if the connection failed. */
	private record Call(long start, long end, int status) {

		static Call of(java.util.function.IntSupplier request) {
			long start = System.nanoTime();
			int status;
			try {
				status = request.getAsInt();
			}
			catch (RuntimeException ex) {
				status = 0;
			}
			return new Call(start, System.nanoTime(), status);
		}

	}

	/** 64 test images as a multipart body, for predictions that take long enough to be caught in flight. */
	private static final byte[] BATCH = batchBody(64);

	private static byte[] batchBody(int images) {
		java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
		byte[] png = pngOfNoise();
		for (int i = 0; i < images; i++) {
			body.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"images\"; filename=\"" + i
					+ ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes());
			body.writeBytes(png);
			body.writeBytes("\r\n".getBytes());
		}
		body.writeBytes("--b--\r\n".getBytes());
		return body.toByteArray();
	}

	private static byte[] pngOfNoise() {
		java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(280, 280,
				java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
		java.util.Random random = new java.util.Random(1);
		for (int y = 0; y < 280; y++) {
			for (int x = 0; x < 280; x++) {
				image.getRaster().setSample(x, y, 0, random.nextInt(256));
			}
		}
		java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
		try {
			javax.imageio.ImageIO.write(image, "png", png);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		return png.toByteArray();
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (service != null) {
			service.destroy();
			service.waitFor();
		}
	}

	private JsonNode job(AtelierClient client, String id) {
		return json.readTree(client.get("/jobs/" + id).body());
	}

	private static void assertEveryCheckpointIsComplete(Path jobs) throws IOException {
		try (Stream<Path> files = Files.walk(jobs)) {
			List<Path> all = files.toList();
			assertThat(all).noneMatch(path -> path.getFileName().toString().startsWith(".tmp-"));
			List<Path> sidecars = all.stream().filter(path -> path.getFileName().toString().equals("checkpoint.json")).toList();
			assertThat(sidecars).isNotEmpty();
			for (Path sidecar : sidecars) {
				assertThat(JsonMapper.builder().build().readTree(sidecar.toFile()).path("epoch").asInt()).isPositive();
				assertThat(sidecar.resolveSibling("parameters.params")).isNotEmptyFile();
			}
		}
	}

	private Process start(String log) throws IOException {
		Process process = new ProcessBuilder(ServiceProcess.javaExecutable(), "-Dai.djl.offline=true", "-jar",
				ServiceProcess.jar().toString(),
				"--server.port=" + port, "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false", "--atelier.security.trainer-keys=" + KEY)
			.redirectErrorStream(true)
			.redirectOutput(tmp.resolve(log).toFile())
			.start();
		AtelierClient client = new AtelierClient("http://localhost:" + port, null);
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
			assertThat(process.isAlive()).as("the service exited; see " + tmp.resolve(log)).isTrue();
			return client.isReady();
		});
		return process;
	}

}
