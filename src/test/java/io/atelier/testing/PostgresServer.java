package io.atelier.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real PostgreSQL from Debian's {@code postgresql-15} binaries, started once per test JVM in a
 * temporary cluster on a free port, as an unprivileged user (PostgreSQL refuses to run as root).
 * Each caller gets a database of its own. Tests that use it need {@link Need#POSTGRES}.
 */
public final class PostgresServer {

	/** Where Debian installs the server binaries; {@code ATELIER_PG_BIN} overrides it. */
	static final Path BIN = Path.of(System.getenv().getOrDefault("ATELIER_PG_BIN", "/usr/lib/postgresql/15/bin"));

	private static final String USER = "atelier";

	private static final String PASSWORD = "atelier-test";

	private static PostgresServer shared;

	private final AtomicInteger databases = new AtomicInteger();

	private final Path dataDir;

	private final int port;

	private PostgresServer(Path dataDir, int port) {
		this.dataDir = dataDir;
		this.port = port;
	}

	static boolean isInstalled() {
		return Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_ctl"));
	}

	/** The server of this JVM, started on first use; skips or fails the caller without the binaries. */
	public static synchronized PostgresServer shared() {
		Need.POSTGRES.require();
		if (shared == null) {
			try {
				shared = start();
			}
			catch (IOException | InterruptedException ex) {
				throw new IllegalStateException("Could not start PostgreSQL from " + BIN, ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
		}
		return shared;
	}

	/** A new, empty database owned by the test user. */
	public Database newDatabase() {
		String name = "atelier_" + databases.incrementAndGet();
		try (Connection connection = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create database " + name, ex);
		}
		return new Database(url(name), USER, PASSWORD);
	}

	private String url(String database) {
		return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
	}

	private static PostgresServer start() throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("atelier-pg", PosixFilePermissions.asFileAttribute(
				PosixFilePermissions.fromString("rwx------")));
		Path data = dir.resolve("data");
		Path password = dir.resolve("password");
		Files.writeString(password, PASSWORD);
		giveToServerUser(dir, password);
		int port = FreePorts.next();
		run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + password,
				"--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"));
		run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(),
				"-w", "-t", "60", "-o", "-p " + port + " -h 127.0.0.1 -k " + dir + " -c fsync=off", "start"));
		return new PostgresServer(data, port);
	}

	private void stop() {
		try {
			run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "stop"));
		}
		catch (IOException | InterruptedException | IllegalStateException ex) {
			// The JVM is exiting; the temporary cluster is left for the OS to clear.
		}
	}

	/** Runs a server binary, as the {@code postgres} system user when this JVM is root. */
	private static void run(List<String> command) throws IOException, InterruptedException {
		List<String> full = new ArrayList<>();
		if (isRoot()) {
			full.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		full.addAll(command);
		Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
		}
	}

	private static void giveToServerUser(Path... paths) throws IOException {
		if (!isRoot()) {
			return;
		}
		UserPrincipalLookupService users = paths[0].getFileSystem().getUserPrincipalLookupService();
		for (Path path : paths) {
			Files.setOwner(path, users.lookupPrincipalByName("postgres"));
		}
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	/** One test's database: what {@code spring.datasource.*} needs to reach it. */
	public record Database(String url, String username, String password) {

		/** As command-line arguments of a Spring Boot application. */
		public List<String> arguments() {
			return List.of("--spring.datasource.url=" + url, "--spring.datasource.username=" + username,
					"--spring.datasource.password=" + password);
		}

		/** As the data source of a test's application context. */
		public void register(DynamicPropertyRegistry registry) {
			registry.add("spring.datasource.url", this::url);
			registry.add("spring.datasource.username", this::username);
			registry.add("spring.datasource.password", this::password);
		}

	}

}
