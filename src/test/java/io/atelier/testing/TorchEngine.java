package io.atelier.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An engine folder that {@code native/build-engine.sh} built for a current PyTorch: where it is, and the
 * variables that point DJL at it.
 */
public final class TorchEngine {

	private TorchEngine() {
	}

	/** {@code ATELIER_TORCH_ENGINE}, else where {@code .ci/run} builds it. */
	public static Path folder() {
		String configured = System.getenv("ATELIER_TORCH_ENGINE");
		return Path.of(configured != null ? configured : "/tmp/atelier-torch-engine");
	}

	/** The folder's {@code engine.env}, as variables to run the service with. */
	public static Map<String, String> environment() {
		Map<String, String> variables = new LinkedHashMap<>();
		try {
			for (String line : Files.readAllLines(folder().resolve("engine.env"))) {
				int equals = line.indexOf('=');
				if (equals > 0) {
					variables.put(line.substring(0, equals), line.substring(equals + 1));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return variables;
	}

}
