package io.atelier.dataset;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Ready only if every dataset's files can be found; the check does not read them.
 */
@Component
class DatasetHealthIndicator extends AbstractHealthIndicator {

	private final DatasetRegistry datasets;

	DatasetHealthIndicator(DatasetRegistry datasets) {
		this.datasets = datasets;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		for (String name : datasets.names()) {
			try {
				datasets.checkAvailable(name);
				builder.withDetail(name, "available");
			}
			catch (DatasetUnavailableException ex) {
				builder.down().withDetail(name, ex.getMessage());
			}
		}
	}

}
