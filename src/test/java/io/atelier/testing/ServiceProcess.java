package io.atelier.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.atelier.AtelierClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar as a process of its own, as a container would run it, with signals a test can send.
 */
public final class ServiceProcess implements AutoCloseable {

	private final Process process;

	private final Path log;

	private final int port;

	private ServiceProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/** Starts the jar on a free port with these arguments, and waits until it is ready. */
	public static ServiceProcess start(Path log, List<String> arguments) throws IOException {
		return start(log, environment -> {
		}, arguments);
	}

	/** As {@link #start(Path, List)}, with the environment it inherits from this JVM changed by {@code environment}. */
	public static ServiceProcess start(Path log, Consumer<Map<String, String>> environment, List<String> arguments)
			throws IOException {
		int port = FreePorts.next();
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Dai.djl.offline=true", "-jar",
				jar().toString(), "--server.port=" + port));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		environment.accept(builder.environment());
		Process process = builder.start();
		ServiceProcess service = new ServiceProcess(process, log, port);
		AtelierClient probe = new AtelierClient(service.url(), null);
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
			assertThat(process.isAlive()).as("the service exited; see " + log).isTrue();
			return probe.isReady();
		});
		return service;
	}

	public String url() {
		return "http://localhost:" + port;
	}

	public long pid() {
		return process.pid();
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	public String log() throws IOException {
		return Files.readString(log);
	}

	/** SIGKILL: no shutdown hook, no last write, as when a node is lost. */
	public void kill() throws InterruptedException {
		process.destroyForcibly().waitFor();
	}

	/** SIGSTOP: the process keeps its sockets and memory but runs nothing, as in a long GC pause. */
	public void pause() throws IOException, InterruptedException {
		signal("STOP");
	}

	/** SIGCONT, after {@link #pause()}. */
	public void resume() throws IOException, InterruptedException {
		signal("CONT");
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
		assertThat(kill.waitFor()).as("kill -" + name).isZero();
	}

	/** SIGTERM, then SIGKILL if it has not stopped within a minute. */
	@Override
	public void close() throws InterruptedException, IOException {
		if (!process.isAlive()) {
			return;
		}
		resume();
		process.destroy();
		if (!process.waitFor(1, TimeUnit.MINUTES)) {
			process.destroyForcibly().waitFor();
		}
	}

	/** The jar {@code ./mvnw package} built. */
	public static Path jar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.filter(path -> path.getFileName().toString().matches("atelier-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No packaged jar in target/: run ./mvnw package first"));
		}
	}

	/** The java of this JVM, to run the jar with. */
	public static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
