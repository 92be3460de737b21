package io.atelier.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Aliases and the default pin in the database, shared by every replica that reads it. */
@JdbcTest
class ModelAliasesTests {

	@TempDir
	Path dataDir;

	@Autowired
	JdbcClient jdbc;

	private ModelAliases replica() {
		return new ModelAliases(jdbc, new AtelierProperties(dataDir, Role.API), JsonMapper.builder().build());
	}

	@Test
	void aliasesResolveToTheirModelAndAnotherReplicaSeesThemOnItsNextReload() {
		ModelAliases one = replica();
		ModelAliases other = replica();
		one.put("prod", "model-a");
		one.put("candidate", "model-b");
		one.put("prod", "model-b");
		assertThat(one.remove("candidate")).isTrue();
		assertThat(one.remove("candidate")).isFalse();

		assertThat(other.all()).as("a snapshot, until reloaded").isEmpty();
		other.reload();
		assertThat(other.all()).isEqualTo(Map.of("prod", "model-b"));
		assertThat(other.resolve("prod")).isEqualTo("model-b");
		assertThat(other.resolve("model-a")).as("a name that is no alias is an id").isEqualTo("model-a");
	}

	@Test
	void aliasesAndThePinOfEarlierVersionsAreTakenIntoTheDatabaseOnceAndTheirFilesKept() throws IOException {
		Path models = Files.createDirectories(dataDir.resolve("models"));
		Files.writeString(models.resolve("aliases.json"), "{\"prod\": \"model-a\", \"bad\": \"../escape\"}");
		Files.writeString(models.resolve("default.json"), "{\"jobId\": \"model-b\"}");

		assertThat(replica().all()).isEqualTo(Map.of("prod", "model-a", "default", "model-b"));
		assertThat(models.resolve("aliases.json.imported")).exists();
		assertThat(models.resolve("default.json.imported")).exists();
		assertThat(models.resolve("aliases.json")).doesNotExist();
	}

	@Test
	void anUnreadableLegacyFileIsNotTakenOverAndIsNotFatal() throws IOException {
		Files.createDirectories(dataDir.resolve("models"));
		Files.writeString(dataDir.resolve("models/aliases.json"), "{not json");
		assertThat(replica().all()).isEmpty();
	}

}
