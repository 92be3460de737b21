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

import static org.assertj.core.api.Assertions.assertThat;

class ModelAliasesTests {

	@TempDir
	Path dataDir;

	private ModelAliases aliases() {
		return new ModelAliases(new AtelierProperties(dataDir, Role.ALL), JsonMapper.builder().build());
	}

	@Test
	void aliasesSurviveARestartAndResolveToTheirModel() {
		ModelAliases aliases = aliases();
		aliases.put("prod", "model-a");
		aliases.put("candidate", "model-b");
		aliases.put("prod", "model-b");
		assertThat(aliases.remove("candidate")).isTrue();
		assertThat(aliases.remove("candidate")).isFalse();

		ModelAliases restarted = aliases();
		assertThat(restarted.all()).isEqualTo(Map.of("prod", "model-b"));
		assertThat(restarted.resolve("prod")).isEqualTo("model-b");
		assertThat(restarted.resolve("model-a")).as("a name that is no alias is an id").isEqualTo("model-a");
	}

	@Test
	void anUnreadableFileServesWithoutAliasesAndIsNotFatal() throws IOException {
		Files.createDirectories(dataDir.resolve("models"));
		Files.writeString(dataDir.resolve("models/aliases.json"), "{not json");
		assertThat(aliases().all()).isEmpty();
	}

	@Test
	void entriesThatCouldEscapeTheVolumeAreIgnored() throws IOException {
		Files.createDirectories(dataDir.resolve("models"));
		Files.writeString(dataDir.resolve("models/aliases.json"), "{\"prod\": \"../escape\", \"ok\": \"model-a\"}");
		assertThat(aliases().all()).isEqualTo(Map.of("ok", "model-a"));
	}

}
