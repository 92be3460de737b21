package io.atelier.inference;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the serving path is warmed before the service reports ready. The JIT compiles a method after
 * a number of calls, not after a time, so the warm-up is a number of predictions, bounded in time
 * for a machine too busy to reach it.
 *
 * @param requests how many predictions to send itself; 0 turns the warm-up off
 * @param maxDuration the longest the warm-up may delay readiness
 * @param concurrency how many at a time
 */
@Validated
@ConfigurationProperties("atelier.inference.warmup")
record WarmupProperties(@Min(0) @DefaultValue("20000") int requests,
		@NotNull @DefaultValue("60s") Duration maxDuration, @Min(1) @Max(64) @DefaultValue("4") int concurrency) {
}
