package io.atelier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.atelier.dataset.IdxFixtures;
import io.atelier.testing.Need;
import io.atelier.testing.PostgresServer;
import io.atelier.testing.Requires;
import io.atelier.testing.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Atelier scaled out, each part the packaged jar in a process of its own: two API replicas and two
 * workers on one PostgreSQL and one shared data directory. Workers are killed, paused past their
 * lease and cancelled through an API replica; every job still runs exactly once to its end.
 */
@Requires(Need.POSTGRES)
class ScaleOutIntegrationTests {

	private static final String KEY = "scale-out-trainer-key-0123456789abcdef";

	/** Short, so that a lost worker is noticed in seconds; heartbeats stay well within it. */
	private static final Duration LEASE = Duration.ofSeconds(6);

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path tmp;

	private static List<String> shared;

	private static final Map<String, ServiceProcess> processes = new ConcurrentHashMap<>();

	/** The API replica the tests talk to; the workers are the others. */
	private final AtelierClient api = client("api-1");

	@BeforeAll
	static void startTheCluster() throws IOException {
		PostgresServer.Database database = PostgresServer.shared().newDatabase();
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 1000, 200);
		shared = new ArrayList<>(database.arguments());
		shared.addAll(List.of("--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false", "--atelier.security.trainer-keys=" + KEY,
				"--atelier.jobs.lease-duration=" + LEASE.toSeconds() + "s", "--atelier.jobs.heartbeat-interval=1s",
				"--atelier.inference.refresh-interval=1s", "--atelier.inference.warmup.requests=0"));
		startAtOnce(List.of("api-1", "worker-a", "worker-b"));
	}

	@BeforeEach
	void everyPartIsRunning() {
		startAtOnce(List.copyOf(processes.keySet()));
	}

	/** In parallel: each JVM spends most of its start-up waiting on its own class loading and libtorch. */
	private static void startAtOnce(List<String> names) {
		names.parallelStream().forEach(name -> {
			try {
				ensureRunning(name);
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		});
	}

	@AfterAll
	static void stopTheCluster() throws Exception {
		for (ServiceProcess process : processes.values()) {
			process.close();
		}
	}

	@Test
	void aJobWhoseWorkerIsKilledMidEpochFinishesOnTheOtherWorkerWithEveryEpochOnce() throws Exception {
		String id = api.startJob(JOB);
		String busy = awaitWithinEpochTwo(api, id);
		// The same job uninterrupted, on the other worker while this one's lease runs out.
		String reference = api.startJob(JOB);
		// An epoch here lasts well under a second, so the kill may land an epoch or two after the one seen
		// above; whatever the worker was training at this read, the epoch before it had its checkpoint.
		int running = job(api, id).path("progress").path("epoch").asInt();
		processes.get(busy).kill();

		api.awaitState(id, "SUCCEEDED", Duration.ofMinutes(3));
		JsonNode job = job(api, id);
		assertThat(job.path("worker").asString()).isNotEqualTo(busy);
		assertThat(job.path("attempt").asInt()).isEqualTo(2);
		assertThat(job.path("history")).extracting(epoch -> epoch.path("epoch").asInt()).containsExactly(1, 2, 3, 4, 5);
		JsonNode resumption = job.path("resumes").get(0);
		int from = resumption.path("fromEpoch").asInt();
		assertThat(from).as("resumed from a checkpoint at least as late as the one before epoch %d", running)
			.isBetween(Math.max(2, running), 5);
		assertThat(resumption.path("reason").asString()).contains("Worker " + busy + " stopped renewing its lease")
			.contains("from the checkpoint of epoch " + (from - 1));
		assertThat(resumption.path("worker").asString()).isEqualTo(job.path("worker").asString());

		api.awaitState(reference, "SUCCEEDED", Duration.ofMinutes(3));
		assertThat(job.path("evaluation").path("accuracy").asDouble())
			.as("the same seed, uninterrupted, on one worker")
			.isEqualTo(job(api, reference).path("evaluation").path("accuracy").asDouble(),
					org.assertj.core.data.Offset.offset(0.005));
	}

	@Test
	void aWorkerPausedPastItsLeaseWritesNothingAfterItWakesAndTheJobEndsOnce() throws Exception {
		String id = api.startJob(JOB);
		String busy = awaitWithinEpochTwo(api, id);
		ServiceProcess paused = processes.get(busy);
		paused.pause();
		await().atMost(LEASE.multipliedBy(4)).pollInterval(Duration.ofMillis(250))
			.until(() -> job(api, id).path("attempt").asInt() == 2);
		String other = job(api, id).path("worker").asString();
		assertThat(other).isNotEqualTo(busy);

		paused.resume();
		api.awaitState(id, "SUCCEEDED", Duration.ofMinutes(3));
		// Time for the woken worker to try every write it had pending.
		Thread.sleep(LEASE.toMillis());
		JsonNode job = job(api, id);
		assertThat(job.path("state").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.path("worker").asString()).isEqualTo(other);
		assertThat(job.path("attempt").asInt()).isEqualTo(2);
		assertThat(job.path("history")).extracting(epoch -> epoch.path("epoch").asInt()).containsExactly(1, 2, 3, 4, 5);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(paused.log()).contains("Job " + id).contains("lost its lease"));
	}

	@Test
	void aCancelThroughTheApiStopsTheJobOnItsWorkerWithinTenSeconds() throws Exception {
		// Long enough that a fast machine cannot finish it between the check and the cancel.
		String id = api.startJob("{\"epochs\": 30, \"batchSize\": 5, \"trainLimit\": 500, \"seed\": 7}");
		awaitWithinEpochTwo(api, id);
		long asked = System.nanoTime();
		assertThat(api.send(api.request("/jobs/" + id + "/cancel").POST(java.net.http.HttpRequest.BodyPublishers.noBody()))
			.statusCode()).isEqualTo(202);
		api.awaitState(id, "CANCELLED", Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
		assertThat(job(api, id).path("error").asString()).startsWith("Cancelled in epoch ");
	}

	@Test
	void aDefaultPinSetThroughOneApiReplicaIsServedByTheOther() throws Exception {
		ServiceProcess second = ensureRunning("api-2");
		AtelierClient one = client("api-1");
		AtelierClient two = new AtelierClient(second.url(), KEY);
		String older = one.startJob("{\"epochs\": 1, \"trainLimit\": 200, \"seed\": 1}");
		String newer = one.startJob("{\"epochs\": 1, \"trainLimit\": 200, \"seed\": 2}");
		one.awaitState(older, "SUCCEEDED", Duration.ofMinutes(2));
		one.awaitState(newer, "SUCCEEDED", Duration.ofMinutes(2));

		var pinned = one.send(one.request("/models/default").header("Content-Type", "application/json")
			.PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jobId\": \"" + older + "\"}")));
		assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(json.readTree(two.predictBlackImage()).path("model").path("jobId").asString())
				.isEqualTo(older));
	}

	@Test
	void anApiReplicaThatDoesNotRunTheJobStreamsItsProgressEpochsAndEnd() throws Exception {
		// 12,000 one-image batches: several heartbeats long even on a fast machine, so progress reaches the database.
		String id = api.startJob("{\"epochs\": 2, \"trainLimit\": 6000, \"batchSize\": 1, \"seed\": 3}");
		java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = java.net.http.HttpClient.newHttpClient()
			.send(api.request("/jobs/" + id + "/events").timeout(Duration.ofMinutes(3)).GET().build(),
					java.net.http.HttpResponse.BodyHandlers.ofLines());
		assertThat(stream.statusCode()).isEqualTo(200);
		List<String> names = stream.body()
			.filter(line -> line.startsWith("event:"))
			.map(line -> line.substring("event:".length()).strip())
			.takeWhile(name -> !name.equals("end"))
			.toList();
		assertThat(names).first().isEqualTo("state");
		assertThat(names).contains("progress");
		assertThat(names).filteredOn("epoch"::equals).hasSize(2);
		assertThat(job(api, id).path("state").asString()).isEqualTo("SUCCEEDED");
	}

	/** A 5-epoch job of 100 batches an epoch, seeded, on whichever worker claims it. */
	private static final String JOB = "{\"epochs\": 5, \"batchSize\": 5, \"trainLimit\": 500, \"seed\": 7}";

	/** Waits until the job has trained 20 batches of its second epoch, and answers the worker running it. */
	private static String awaitWithinEpochTwo(AtelierClient api, String id) {
		await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
			JsonNode progress = job(api, id).path("progress");
			// Progress reaches the database with the heartbeat; a fast machine may be past epoch 2 by then.
			int epoch = progress.path("epoch").asInt();
			return epoch >= 2 && epoch <= 3 && progress.path("batch").asInt() >= 20;
		});
		String worker = job(api, id).path("worker").asString();
		assertThat(processes).containsKey(worker);
		return worker;
	}

	private static ServiceProcess ensureRunning(String name) throws IOException {
		ServiceProcess running = processes.get(name);
		if (running != null && running.isAlive()) {
			return running;
		}
		List<String> arguments = new ArrayList<>(shared);
		arguments.add("--atelier.role=" + (name.startsWith("api") ? "api" : "worker"));
		arguments.add("--atelier.worker.id=" + name);
		ServiceProcess started = ServiceProcess.start(
				Files.createDirectories(tmp.resolve("logs")).resolve(name + "-" + System.nanoTime() + ".log"), arguments);
		processes.put(name, started);
		return started;
	}

	private static AtelierClient client(String name) {
		return new AtelierClient(processes.get(name).url(), KEY);
	}

	private static JsonNode job(AtelierClient api, String id) {
		return json.readTree(api.get("/jobs/" + id).body());
	}

}
