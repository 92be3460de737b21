package io.atelier.testing;

import java.io.IOException;
import java.nio.file.Path;

import io.atelier.dataset.IdxFixtures;

import org.springframework.test.context.DynamicPropertyRegistry;

/** The settings of a service under test that keeps its data in {@code tmp} and trains on fixtures. */
public final class FixtureService {

	private FixtureService() {
	}

	/**
	 * Writes a fixture Fashion-MNIST of {@code trainCount} and {@code testCount} images under
	 * {@code tmp} and points the service at it, with its data directory beside it.
	 */
	public static void register(DynamicPropertyRegistry registry, Path tmp, int trainCount, int testCount)
			throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), trainCount, testCount);
		registry.add("atelier.data-dir", () -> tmp.resolve("data").toString());
		registry.add("atelier.datasets.fashion-mnist.dir", fixtures::toString);
		registry.add("atelier.datasets.fashion-mnist.system-dir", () -> tmp.resolve("absent").toString());
		registry.add("atelier.datasets.fashion-mnist.verify-checksums", () -> "false");
	}

}
