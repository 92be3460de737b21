package io.atelier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.atelier.testing.Need;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL image of docker-compose.distributed.yml ({@code compose/postgres}, Debian's
 * postgresql-15): its first start creates the database and user named by the environment, it turns
 * healthy only once clients can reach them over TCP with the password, runs as postgres, and keeps
 * its data across a restart without initialising again.
 */
class PostgresImageIntegrationTests {

	private static final String PASSWORD = "image-test-password-0123456789";

	@Test
	void createsThePasswordProtectedDatabaseOnFirstStartAndKeepsItAcrossARestart() throws Exception {
		Need.DOCKER.require();
		ImageFromDockerfile image = new ImageFromDockerfile("atelier-postgres-test", false)
			.withFileFromPath(".", Path.of("compose/postgres").toAbsolutePath());
		try (GenericContainer<?> postgres = new GenericContainer<>(image).withEnv("POSTGRES_PASSWORD", PASSWORD)
			.withEnv("POSTGRES_USER", "jobs")
			.withEnv("POSTGRES_DB", "jobsdb")
			.withExposedPorts(5432)
			.waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(2)))) {
			postgres.start();
			assertThat(postgres.getContainerInfo().getConfig().getUser()).isEqualTo("postgres");

			assertThat(psql(postgres, PASSWORD,
					"SELECT current_user, current_database(), rolsuper FROM pg_roles WHERE rolname = current_user",
					"SHOW listen_addresses")
				.getStdout()).isEqualTo("jobs|jobsdb|f\n*\n");
			ExecResult wrong = psql(postgres, "not-the-password", "SELECT 1");
			assertThat(wrong.getExitCode()).isNotZero();
			assertThat(wrong.getStderr()).contains("password authentication failed for user \"jobs\"");
			assertThat(psql(postgres, PASSWORD, "CREATE TABLE kept (id int)", "INSERT INTO kept VALUES (42)")
				.getExitCode()).isZero();

			postgres.getDockerClient().restartContainerCmd(postgres.getContainerId()).exec();
			await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
				.until(() -> psql(postgres, PASSWORD, "SELECT id FROM kept").getStdout(), "42\n"::equals);
			assertThat(postgres.getLogs()).containsOnlyOnce("Created database jobsdb owned by jobs");
		}
	}

	/**
	 * psql to the container's network address, so that the server sees a client from the network (not
	 * the loopback or its socket, which initdb's own rules admit) as the services are.
	 */
	private static ExecResult psql(GenericContainer<?> postgres, String password, String... statements)
			throws Exception {
		// Inspected afresh: a restart may give the container another address.
		String address = postgres.getDockerClient()
			.inspectContainerCmd(postgres.getContainerId())
			.exec()
			.getNetworkSettings()
			.getIpAddress();
		List<String> command = new ArrayList<>(List.of("env", "PGPASSWORD=" + password, "psql", "--no-psqlrc", "-h",
				address, "-U", "jobs", "-d", "jobsdb", "-At", "-v", "ON_ERROR_STOP=1"));
		for (String statement : statements) {
			command.addAll(List.of("-c", statement));
		}
		return postgres.execInContainer(command.toArray(String[]::new));
	}

}
