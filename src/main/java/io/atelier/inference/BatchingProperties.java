package io.atelier.inference;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How concurrent single-image predictions for one model share forward passes.
 *
 * @param enabled whether they do; off, each request runs its own pass
 * @param maxBatchSize the most images one shared pass takes
 * @param maxDelay how long a pass that is not full waits for more requests; 0 runs it at once
 * @param parallelPasses passes that may run at the same time for one model; a request that finds
 * fewer running starts its own at once
 * @param queueCapacity requests that may wait for a pass; one more is refused at once with a 503
 * @param queueTimeout how long a request may wait for a pass before it is refused with a 503
 */
@Validated
@ConfigurationProperties("atelier.inference.batching")
record BatchingProperties(@DefaultValue("true") boolean enabled, @Min(1) @Max(256) @DefaultValue("32") int maxBatchSize,
		@NotNull @DefaultValue("0ms") Duration maxDelay, @Min(1) @Max(256) @DefaultValue("1") int parallelPasses,
		@Min(1) @DefaultValue("1024") int queueCapacity, @NotNull @DefaultValue("5s") Duration queueTimeout) {
}
