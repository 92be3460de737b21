package io.atelier.inference;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * Runs images through a model: a single image through the model's {@link DynamicBatcher} when
 * batching is on, anything else in a pass of its own.
 */
@Component
class DynamicBatching {

	private final BatchingProperties properties;

	private final DynamicBatcher.Meters meters;

	DynamicBatching(BatchingProperties properties, MeterRegistry registry) {
		this.properties = properties;
		this.meters = new DynamicBatcher.Meters(
				DistributionSummary.builder("atelier.inference.batch.size")
					.description("Images per forward pass of batched single-image predictions")
					.baseUnit("images")
					.serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
					.register(registry),
				Timer.builder("atelier.inference.queue.wait")
					.description("Time a single-image prediction waited for its forward pass to start")
					.serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(2),
							Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
							Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
					.register(registry),
				Counter.builder("atelier.inference.queue.rejected")
					.description("Single-image predictions refused with a 503 because the queue was full")
					.register(registry),
				Counter.builder("atelier.inference.queue.timeouts")
					.description("Single-image predictions refused with a 503 after waiting past the queue timeout")
					.register(registry));
	}

	float[][] probabilities(ServingModel model, ServingModel.Images images) {
		if (!properties.enabled() || images.count() != 1) {
			return model.probabilities(images);
		}
		DynamicBatcher batcher = model
			.batcher(key -> new DynamicBatcher(key.jobId(), key::probabilities, properties, meters));
		return new float[][] { batcher.probabilities(images) };
	}

}
