package io.atelier.inference;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the serving path is warmed before the service reports ready.
 *
 * @param duration how long to send predictions to itself; 0 turns the warm-up off
 * @param concurrency how many at a time
 */
@Validated
@ConfigurationProperties("atelier.inference.warmup")
record WarmupProperties(@NotNull @DefaultValue("10s") Duration duration,
		@Min(1) @Max(64) @DefaultValue("4") int concurrency) {
}
