package io.atelier.inference;

import lombok.RequiredArgsConstructor;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Whether there is a model to predict with. Always UP: a service without a model must still accept
 * training jobs, so this is reported on its own and kept out of the readiness group.
 */
@Component
@RequiredArgsConstructor
class ModelsHealthIndicator extends AbstractHealthIndicator {

	private final ModelRegistry models;

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		var list = models.list();
		builder.up().withDetail("available", !list.isEmpty()).withDetail("count", list.size());
		list.stream().filter(ModelSummary::isDefault).findFirst().ifPresentOrElse(
				model -> builder.withDetail("default", model.jobId()),
				() -> builder.withDetail("message", "No model trained yet; start one with POST /jobs."));
		var unreadable = models.unreadable();
		if (!unreadable.isEmpty()) {
			builder.withDetail("unreadable", unreadable);
		}
	}

}
