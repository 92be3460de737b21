package io.atelier.store;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Ready only if the store of checkpoints and models takes a write: the data directory, or the bucket
 * when {@code atelier.storage.type} is {@code s3}.
 */
@Component
class DataVolumeHealthIndicator extends AbstractHealthIndicator {

	private final ObjectStore objects;

	DataVolumeHealthIndicator(ObjectStore objects) {
		super("The store of checkpoints and models does not take a write");
		this.objects = objects;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.up().withDetails(objects.probe());
	}

}
