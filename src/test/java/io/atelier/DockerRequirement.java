package io.atelier;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * Tests that need a Docker engine skip without one on a laptop; {@code ATELIER_REQUIRE_DOCKER=true},
 * as {@code .ci/run} sets, turns the skip into a failure.
 */
final class DockerRequirement {

	private DockerRequirement() {
	}

	static void requireDocker() {
		require(DockerClientFactory.instance().isDockerAvailable(), "No Docker engine is reachable");
	}

	static void require(boolean present, String missing) {
		if (!present) {
			if (Boolean.parseBoolean(System.getenv("ATELIER_REQUIRE_DOCKER"))) {
				Assertions.fail(missing + ", and ATELIER_REQUIRE_DOCKER=true requires it");
			}
			Assumptions.abort(missing);
		}
	}

}
