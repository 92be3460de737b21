package io.atelier.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.atelier.testing.Need;
import io.atelier.AtelierApplication;
import io.atelier.dataset.IdxFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The data volume failing under a training job, for real, on a tmpfs mounted as the data directory:
 * it fills up, or it turns read-only. Either way the job fails with the reason, the checkpoint it had
 * stays whole, and nothing half-written is left. Needs root to mount; skips elsewhere unless
 * {@code ATELIER_REQUIRE_MOUNT=true}, as {@code .ci/run} sets.
 */
class VolumeFailuresIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void aFullVolumeFailsTheJobWithTheReasonAndKeepsTheLastCheckpointWhole() throws Exception {
		// Room for one checkpoint (parameters and Adam's state, about 400 KB) but not two.
		onTmpfs("600k", (jobs, data) -> {
			String id = jobs.submit(JobRequests.epochs(5, 50)).id();
			assertFailedKeepingEpochOne(jobs, id, data, "no space left on device");
		});
	}

	@Test
	void aVolumeTurnedReadOnlyFailsTheJobWithTheReasonAndKeepsTheLastCheckpointWhole() throws Exception {
		onTmpfs("16m", (jobs, data) -> {
			String id = jobs.submit(JobRequests.epochs(5, 1)).id();
			await().atMost(Duration.ofMinutes(1)).until(() -> jobs.find(id).orElseThrow().history().size() == 1);
			assertThat(run(List.of("mount", "-o", "remount,ro", data.toString()))).as("remount read-only").isTrue();
			assertFailedKeepingEpochOne(jobs, id, data, "read-only file system");
		});
	}

	/** Runs {@code test} on a service whose data volume is a fresh tmpfs of {@code size}, unmounted after. */
	private void onTmpfs(String size, VolumeTest test) throws Exception {
		Path data = mountTmpfs(size);
		try (ConfigurableApplicationContext context = start(data)) {
			test.run(context.getBean(JobService.class), data);
		}
		finally {
			run(List.of("umount", data.toString()));
		}
	}

	@FunctionalInterface
	private interface VolumeTest {

		void run(JobService jobs, Path data) throws Exception;

	}

	private ConfigurableApplicationContext start(Path data) throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 500, 100);
		return new SpringApplicationBuilder(AtelierApplication.class).run("--server.port=0",
				"--atelier.security.insecure-local-mode=true", "--atelier.data-dir=" + data,
				"--spring.datasource.url=jdbc:h2:file:" + tmp.resolve("db/atelier"),
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false");
	}

	private static void assertFailedKeepingEpochOne(JobService jobs, String id, Path data, String reason)
			throws IOException {
		await().atMost(Duration.ofMinutes(1)).until(() -> jobs.find(id).orElseThrow().state().isTerminal());
		JobView job = jobs.find(id).orElseThrow();
		assertThat(job.state()).isEqualTo(JobState.FAILED);
		assertThat(job.error()).startsWith("Cannot write the checkpoint").contains("epoch-0002").containsIgnoringCase(reason);
		assertThat(job.checkpoints()).extracting(JobView.CheckpointView::epoch).containsExactly(1);
		Path kept = data.resolve(job.checkpoints().get(0).path());
		assertThat(Files.size(kept.resolve("parameters.params"))).isGreaterThan(100_000);
		assertThat(Files.size(kept.resolve("optimizer.state"))).isGreaterThan(200_000);
		try (Stream<Path> files = Files.walk(data.resolve("jobs"))) {
			assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
		}
	}

	private Path mountTmpfs(String size) throws IOException, InterruptedException {
		Path dir = Files.createDirectories(tmp.resolve("data"));
		boolean mounted = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()));
		Need.MOUNT.require(mounted);
		return dir;
	}

	private static boolean run(List<String> command) throws InterruptedException {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
