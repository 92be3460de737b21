package io.atelier.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DefaultModelPinTests {

	@TempDir
	Path dataDir;

	private DefaultModelPin pin() {
		return new DefaultModelPin(new AtelierProperties(dataDir, Role.ALL), JsonMapper.builder().build());
	}

	@Test
	void aPinSurvivesARestartAndLeavesNoTemporaryFile() throws IOException {
		assertThat(pin().read()).isEmpty();
		pin().write("job-1");
		pin().write("job-2");
		assertThat(pin().read()).contains("job-2");
		try (var files = Files.list(dataDir.resolve("models"))) {
			assertThat(files.map(path -> path.getFileName().toString())).containsExactly("default.json");
		}
	}

	@Test
	void refusesAnIdThatCouldEscapeTheVolume() {
		assertThatThrownBy(() -> pin().write("../escape")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void anUnreadablePinMeansNoPinRatherThanAnError() throws IOException {
		Files.createDirectories(dataDir.resolve("models"));
		Files.writeString(dataDir.resolve("models/default.json"), "{ broken");
		assertThat(pin().read()).isEmpty();
		Files.writeString(dataDir.resolve("models/default.json"), "{\"jobId\": \"../etc\"}");
		assertThat(pin().read()).isEmpty();
	}

}
