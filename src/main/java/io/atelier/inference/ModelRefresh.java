package io.atelier.inference;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.atelier.system.AtelierProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps a serving replica's registry current: models that workers in other processes trained, and
 * aliases or a default pin set through another replica, are served within
 * {@code atelier.inference.refresh-interval}. A worker serves no predictions and does not refresh.
 */
@Component
class ModelRefresh implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ModelRefresh.class);

	private final ModelRegistry registry;

	private final InferenceProperties properties;

	private final boolean serves;

	private final ScheduledExecutorService scheduler = Executors
		.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("model-refresh-"));

	private volatile boolean running;

	ModelRefresh(ModelRegistry registry, InferenceProperties properties, AtelierProperties atelier) {
		this.registry = registry;
		this.properties = properties;
		this.serves = atelier.role().servesApi();
	}

	@Override
	public void start() {
		if (serves) {
			long interval = properties.refreshInterval().toMillis();
			scheduler.scheduleWithFixedDelay(this::refresh, interval, interval, TimeUnit.MILLISECONDS);
		}
		running = true;
	}

	private void refresh() {
		try {
			registry.rescan();
		}
		catch (RuntimeException ex) {
			// The registry keeps what it had; the next refresh tries again.
			log.warn("Could not refresh the models and aliases: {}", ex.getMessage());
		}
	}

	@Override
	public void stop() {
		scheduler.shutdownNow();
		running = false;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@PreDestroy
	void close() {
		scheduler.shutdownNow();
	}

}
