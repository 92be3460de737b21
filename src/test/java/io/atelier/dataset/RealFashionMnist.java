package io.atelier.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real Fashion-MNIST for tests that need it. On a laptop without it those tests skip; with
 * {@code ATELIER_REQUIRE_DATASET=true}, as {@code .ci/run} sets, a missing dataset fails them instead.
 */
public final class RealFashionMnist {

	private static final Path[] CANDIDATES = { Path.of("/usr/share/datasets/fashion-mnist"),
			Path.of("../shared/data/fashion-mnist") };

	private RealFashionMnist() {
	}

	public static Path dir() {
		Path found = Stream.of(CANDIDATES)
			.filter(dir -> Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")))
			.findFirst()
			.orElse(null);
		if (found == null) {
			String message = "The real Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
			if (Boolean.parseBoolean(System.getenv("ATELIER_REQUIRE_DATASET"))) {
				Assertions.fail(message + ", and ATELIER_REQUIRE_DATASET=true requires it");
			}
			Assumptions.abort(message);
		}
		return found;
	}

	/** The real dataset, read and verified once per test JVM. */
	public static synchronized LabeledDataset load() {
		if (loaded == null) {
			Path dir = dir();
			DatasetProperties.FashionMnist properties = new DatasetProperties.FashionMnist(dir, dir, true, false,
					java.net.URI.create("http://localhost/"), java.time.Duration.ofSeconds(1));
			loaded = new FashionMnistSource(properties, Path.of("target/no-downloads"), new Downloader()).load();
		}
		return loaded;
	}

	private static LabeledDataset loaded;

}
