package io.atelier.store;

import java.nio.file.Files;
import java.nio.file.Path;

import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class DataVolumeHealthIndicatorTests {

	@TempDir
	Path tmp;

	@Test
	void aWritableDirectoryIsUpAndLeavesNoProbeBehind() throws Exception {
		Path dataDir = tmp.resolve("data");
		var health = new DataVolumeHealthIndicator(new AtelierProperties(dataDir, Role.ALL)).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		try (var files = Files.list(dataDir)) {
			assertThat(files).isEmpty();
		}
	}

	@Test
	void aDataDirectoryThatCannotBeWrittenIsDown() throws Exception {
		Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
		var health = new DataVolumeHealthIndicator(new AtelierProperties(notADirectory, Role.ALL)).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
	}

}
