package io.atelier.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.atelier.store.DurableFiles;
import io.atelier.system.AtelierProperties;
import io.atelier.system.JobIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The model pinned as the default for predictions, kept in {@code models/default.json} on the data
 * volume and replaced whole, so a crash leaves the old pin or the new one.
 */
@Component
class DefaultModelPin {

	private static final Logger log = LoggerFactory.getLogger(DefaultModelPin.class);

	private final Path file;

	private final JsonMapper json;

	DefaultModelPin(AtelierProperties atelier, JsonMapper json) {
		this.file = atelier.dataDir().resolve("models").resolve("default.json");
		this.json = json;
	}

	Optional<String> read() {
		if (!Files.isRegularFile(file)) {
			return Optional.empty();
		}
		try {
			return Optional.ofNullable(json.readTree(file.toFile()).path("jobId").stringValue(null))
				.filter(JobIds::isValid);
		}
		catch (RuntimeException ex) {
			log.warn("The default model pin {} cannot be read ({}); serving the newest model instead", file,
					ex.getMessage());
			return Optional.empty();
		}
	}

	/** No model pinned: the newest is the default. */
	void clear() {
		try {
			Files.deleteIfExists(file);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException("Cannot remove the default model pin " + file, ex);
		}
	}

	void write(String jobId) {
		if (!JobIds.isValid(jobId)) {
			throw new IllegalArgumentException("Not a valid job id: " + jobId);
		}
		DurableFiles.writeFile(file, out -> out.write(json.writeValueAsBytes(Map.of("jobId", jobId))));
	}

}
