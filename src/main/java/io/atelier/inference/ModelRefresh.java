package io.atelier.inference;

import io.atelier.system.AtelierProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps a serving replica's registry current: models that workers in other processes trained, and
 * aliases or a default pin set through another replica, are served within
 * {@code atelier.inference.refresh-interval}. A worker serves no predictions and does not refresh.
 */
@Component
class ModelRefresh {

	private static final Logger log = LoggerFactory.getLogger(ModelRefresh.class);

	private final ModelRegistry registry;

	private final boolean serves;

	ModelRefresh(ModelRegistry registry, AtelierProperties atelier) {
		this.registry = registry;
		this.serves = atelier.role().servesApi();
	}

	@Scheduled(fixedDelayString = "${atelier.inference.refresh-interval:2s}",
			initialDelayString = "${atelier.inference.refresh-interval:2s}")
	void refresh() {
		if (!serves) {
			return;
		}
		try {
			registry.rescan();
		}
		catch (RuntimeException ex) {
			// The registry keeps what it had; the next refresh tries again.
			log.warn("Could not refresh the models and aliases: {}", ex.getMessage());
		}
	}

}
