package io.atelier.network;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Ready only if libtorch computes: one tiny tensor operation per check.
 */
@Component
class EngineHealthIndicator extends AbstractHealthIndicator {

	private final Engine engine;

	EngineHealthIndicator(Engine engine) {
		super("The deep learning engine failed a test computation");
		this.engine = engine;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		try (NDManager manager = engine.newBaseManager()) {
			float sum = manager.ones(new Shape(2, 2)).sum().getFloat();
			builder.status(sum == 4f ? "UP" : "DOWN")
				.withDetail("engine", engine.getEngineName())
				.withDetail("version", engine.getVersion());
		}
	}

}
