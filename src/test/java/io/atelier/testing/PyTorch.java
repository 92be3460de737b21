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
 * {@code src/test/python}; and an old one, Debian's {@code python3-torch} 1.13 with {@code python3-pil}
 * in the system Python ({@code ATELIER_TORCH1_PYTHON}, {@code /usr/bin/python3} unless set), for
 * TorchScript as an older PyTorch writes it.
 */
public final class PyTorch {

	static final String PYTHON = "ATELIER_PYTHON";

	static final String OLD_PYTHON = "ATELIER_TORCH1_PYTHON";

	private static final String OLD_TORCH = "1.13";

	private static final Path SCRIPTS = Path.of("src/test/python");

	private static Boolean present;

	private PyTorch() {
	}

	/** Whether the Python is there and imports everything the scripts need. */
	static synchronized boolean isPresent() {
		if (present == null) {
			String python = System.getenv(PYTHON);
			present = python != null && Files.isExecutable(Path.of(python))
					&& exec(List.of(python, "-c", "import torch, safetensors, numpy, PIL")).exitCode() == 0
					&& Files.isExecutable(Path.of(oldPython()))
					&& exec(List.of(oldPython(), "-c", "import torch, numpy, PIL; assert torch.__version__.startswith('"
							+ OLD_TORCH + "'), torch.__version__")).exitCode() == 0;
		}
		return present;
	}

	/** Runs a script of {@code src/test/python} and answers its output; fails if it does not succeed. */
	public static String run(String script, String... arguments) {
		return run(System.getenv(PYTHON), script, arguments);
	}

	/** Runs a script of {@code src/test/python} with PyTorch 1.13, as {@link #run} does with the current one. */
	public static String runOld(String script, String... arguments) {
		return run(oldPython(), script, arguments);
	}

	private static String oldPython() {
		String python = System.getenv(OLD_PYTHON);
		return python != null ? python : "/usr/bin/python3";
	}

	private static String run(String python, String script, String... arguments) {
		Need.PYTORCH.require();
		List<String> command = new ArrayList<>(List.of(python, SCRIPTS.resolve(script).toString()));
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
