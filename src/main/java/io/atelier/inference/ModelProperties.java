package io.atelier.inference;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How models come into the registry.
 *
 * @param maxUploadSize the largest model file {@code POST /models} accepts (also the multipart file
 * limit, the prediction endpoints checking their smaller image limit themselves)
 */
@Validated
@ConfigurationProperties("atelier.models")
record ModelProperties(@NotNull @DefaultValue("200MB") DataSize maxUploadSize) {
}
