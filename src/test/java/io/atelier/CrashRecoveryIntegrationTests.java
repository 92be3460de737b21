package io.atelier;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.atelier.dataset.IdxFixtures;
import org.junit.jupiter.api.AfterEach;
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

	@Test
	void aJobKilledMidEpochResumesFromItsLastCheckpointAndNothingIsLost() throws Exception {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 1000, 200);
		int port = freePort();
		AtelierClient client = new AtelierClient("http://localhost:" + port, KEY);

		service = start(fixtures, port, "first.log");
		String earlier = client.startJob("{\"epochs\": 1, \"trainLimit\": 200}");
		client.awaitState(earlier, "SUCCEEDED", Duration.ofMinutes(1));
		String interrupted = client.startJob("{\"epochs\": 3, \"batchSize\": 5}");
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			JsonNode progress = job(client, interrupted).path("progress");
			return progress.path("epoch").asInt() == 2 && progress.path("batch").asInt() >= 20;
		});
		service.destroyForcibly().waitFor();
		assertThat(service.exitValue()).as("killed by SIGKILL").isEqualTo(137);

		service = start(fixtures, port, "second.log");
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

	private Process start(Path fixtures, int port, String log) throws IOException {
		Process process = new ProcessBuilder(javaExecutable(), "-Dai.djl.offline=true", "-jar", jar().toString(),
				"--server.port=" + port, "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false", "--atelier.security.trainer-keys=" + KEY)
			.redirectErrorStream(true)
			.redirectOutput(tmp.resolve(log).toFile())
			.start();
		AtelierClient client = new AtelierClient("http://localhost:" + port, null);
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
			assertThat(process.isAlive()).as("the service exited; see " + tmp.resolve(log)).isTrue();
			return client.isReady();
		});
		return process;
	}

	private static Path jar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.filter(path -> path.getFileName().toString().matches("atelier-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No packaged jar in target/: run ./mvnw package first"));
		}
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
