package io.atelier.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.atelier.testing.Need;

/**
 * Finds the real Fashion-MNIST for tests that need it ({@link Need#DATASET}).
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
		Need.DATASET.require(found != null);
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
