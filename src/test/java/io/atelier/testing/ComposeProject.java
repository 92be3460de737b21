package io.atelier.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One of the repository's Compose files brought up as a project of its own (a random name, so that
 * runs never share containers or volumes), with Compose v1 (Debian's docker-compose) or the v2
 * plugin; either reads the files unchanged.
 */
public final class ComposeProject {

	private final List<String> compose;

	private final String file;

	private final Map<String, String> environment;

	private final String name = "atelier-it-" + UUID.randomUUID().toString().substring(0, 8);

	/** Skips the test, or fails it where Docker is mandatory, unless Docker and Compose are here. */
	public static ComposeProject of(String file, Map<String, String> environment) {
		Need.DOCKER.require();
		List<String> compose = command();
		Need.DOCKER.require(compose != null, "docker-compose or the docker compose plugin");
		return new ComposeProject(compose, file, environment);
	}

	private ComposeProject(List<String> compose, String file, Map<String, String> environment) {
		this.compose = compose;
		this.file = file;
		this.environment = environment;
	}

	/** Runs a Compose command on this project and answers its output; fails the test if it fails. */
	public String run(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(compose);
		command.addAll(List.of("-p", name, "-f", file));
		command.addAll(List.of(arguments));
		return execute(command);
	}

	/** The id of a service's container. */
	public String container(String service) throws IOException, InterruptedException {
		String id = run("ps", "-q", service).strip();
		assertThat(id).as("the container of %s", service).isNotEmpty();
		return id;
	}

	/** Runs a docker command (inspect, kill, ...) and answers its output; fails the test if it fails. */
	public String docker(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("docker"));
		command.addAll(List.of(arguments));
		return execute(command);
	}

	/**
	 * Keeps every service's log in {@code target/}, for a failure's diagnosis, then removes the
	 * project and its volumes.
	 */
	public void down() throws IOException, InterruptedException {
		try {
			Files.writeString(Path.of("target", name + ".log"), run("logs", "--no-color", "--timestamps"));
		}
		finally {
			run("down", "-v");
		}
	}

	private String execute(List<String> command) throws IOException, InterruptedException {
		Path log = Files.createTempFile("compose", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		boolean exited = process.waitFor(10, TimeUnit.MINUTES);
		String output = Files.readString(log);
		Files.delete(log);
		if (!exited) {
			process.destroyForcibly();
		}
		assertThat(exited).as("%s did not finish in 10 minutes:%n%s", command, output).isTrue();
		assertThat(process.exitValue()).as("%s failed:%n%s", command, output).isZero();
		return output;
	}

	private static List<String> command() {
		for (List<String> candidate : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
			try {
				List<String> version = new ArrayList<>(candidate);
				version.add("version");
				Process process = new ProcessBuilder(version).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
				if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
					return candidate;
				}
			}
			catch (IOException ex) {
				// not installed: try the next
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return null;
	}

}
