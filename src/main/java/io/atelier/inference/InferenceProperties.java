package io.atelier.inference;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How predictions are served.
 *
 * @param maxImageSize the largest image body accepted (also the multipart file limit)
 * @param maxPixels the most pixels an image may decode to; checked from the header, before decoding
 * @param predictorsPerModel DJL predictors kept per loaded model; a request borrows one
 * @param predictorWait how long a request waits for a free predictor before a 503
 * @param maxBatchImages the most images one {@code /predict/batch} request may hold
 * @param maxLoadedModels the most models kept loaded for serving; loading one more unloads the least recently
 * used, which is reloaded on its next request
 * @param refreshInterval how often a replica re-reads the models on the volume and the aliases in the
 * database, to serve what workers trained and other replicas pinned
 */
@Validated
@ConfigurationProperties("atelier.inference")
record InferenceProperties(@NotNull @DefaultValue("10MB") DataSize maxImageSize,
		@Min(1) @DefaultValue("40000000") long maxPixels, @Min(1) @Max(256) @DefaultValue("8") int predictorsPerModel,
		@NotNull @DefaultValue("5s") Duration predictorWait, @Min(1) @DefaultValue("256") int maxBatchImages,
		@NotNull @DefaultValue("2s") Duration refreshInterval, @Min(1) @DefaultValue("16") int maxLoadedModels) {
}
