package io.atelier.network;

import ai.djl.engine.Engine;

/**
 * Unpacks libtorch into {@code DJL_CACHE_DIR} and exits; the Dockerfile runs it at build time so a
 * container starts without the unpacking and can run on a read-only root filesystem.
 */
public final class PrepareEngine {

	private PrepareEngine() {
	}

	public static void main(String[] args) {
		System.setProperty("ai.djl.offline", "true");
		Engine engine = Engine.getEngine("PyTorch");
		System.out.println("Prepared " + engine.getEngineName() + " " + engine.getVersion());
	}

}
