package io.atelier.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PyTorch, in the Python named by {@code ATELIER_PYTHON} (a virtual environment with torch,
 * safetensors, numpy and pillow; {@code .ci/run} makes one), running the scripts under
 * {@code src/test/python}.
 */
public final class PyTorch {

	static final String PYTHON = "ATELIER_PYTHON";

	private static final Path SCRIPTS = Path.of("src/test/python");

	private static Boolean present;

	private PyTorch() {
	}

	/** Whether the Python is there and imports everything the scripts need. */
	static synchronized boolean isPresent() {
		if (present == null) {
			String python = System.getenv(PYTHON);
			present = python != null && Files.isExecutable(Path.of(python))
					&& exec(List.of(python, "-c", "import torch, safetensors, numpy, PIL")).exitCode() == 0;
		}
		return present;
	}

	/** Runs a script of {@code src/test/python} and answers its output; fails if it does not succeed. */
	public static String run(String script, String... arguments) {
		Need.PYTORCH.require();
		List<String> command = new ArrayList<>(List.of(System.getenv(PYTHON), SCRIPTS.resolve(script).toString()));
		command.addAll(List.of(arguments));
		Result result = exec(command);
		if (result.exitCode() != 0) {
			throw new AssertionError(command + " exited with " + result.exitCode() + ":\n" + result.output());
		}
		return result.output();
	}

	private static Result exec(List<String> command) {
		try {
			// Output to a file, not a pipe: reading a pipe would block past the timeout.
			Path output = Files.createTempFile("atelier-python", ".log");
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				if (!process.waitFor(5, TimeUnit.MINUTES)) {
					process.destroyForcibly();
					return new Result(-1, "timed out after 5 minutes");
				}
				return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			return new Result(-1, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(-1, ex.toString());
		}
	}

	private record Result(int exitCode, String output) {
	}

}
