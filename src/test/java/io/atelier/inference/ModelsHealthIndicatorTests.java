package io.atelier.inference;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class ModelsHealthIndicatorTests {

	private final ModelRegistry models = mock(ModelRegistry.class);

	@Test
	void aModelWhoseSidecarCannotBeReadIsShownWithItsPath() {
		given(models.list()).willReturn(List.of());
		given(models.unreadable()).willReturn(Map.of("/data/jobs/j1/model",
				"Cannot read /data/jobs/j1/model/checkpoint.json: Unexpected end-of-input"));
		Health health = new ModelsHealthIndicator(models).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("count", 0)
			.containsEntry("unreadable", Map.of("/data/jobs/j1/model",
					"Cannot read /data/jobs/j1/model/checkpoint.json: Unexpected end-of-input"));
	}

	@Test
	void nothingUnreadableMeansNoSuchDetail() {
		given(models.list()).willReturn(List.of());
		given(models.unreadable()).willReturn(Map.of());
		assertThat(new ModelsHealthIndicator(models).health(true).getDetails()).doesNotContainKey("unreadable");
	}

}
