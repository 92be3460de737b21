package io.atelier.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

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

	/** The folder's {@code engine.env} ({@code NAME=value} lines), as variables to run the service with. */
	public static Map<String, String> environment() {
		Properties variables = new Properties();
		try (Reader reader = Files.newBufferedReader(folder().resolve("engine.env"))) {
			variables.load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, String> environment = new LinkedHashMap<>();
		variables.stringPropertyNames().forEach(name -> environment.put(name, variables.getProperty(name)));
		return environment;
	}

}
