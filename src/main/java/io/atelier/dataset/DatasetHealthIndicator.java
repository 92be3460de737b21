package io.atelier.dataset;

import lombok.RequiredArgsConstructor;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Ready only if every configured dataset's files can be found; the check does not read them. An
 * uploaded dataset that lost its files is reported but does not make the service unready: it is the
 * users' data, and jobs naming it are refused on their own.
 */
@Component
@RequiredArgsConstructor
class DatasetHealthIndicator extends AbstractHealthIndicator {

	private final DatasetRegistry datasets;

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.up();
		for (String name : datasets.names()) {
			try {
				datasets.checkAvailable(name);
				builder.withDetail(name, "available");
			}
			catch (DatasetUnavailableException ex) {
				if (!datasets.isUploaded(name)) {
					builder.down();
				}
				builder.withDetail(name, ex.getMessage());
			}
		}
	}

}
