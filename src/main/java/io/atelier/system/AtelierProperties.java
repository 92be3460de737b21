package io.atelier.system;

import java.nio.file.Path;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every feature shares.
 *
 * @param dataDir the one directory that holds everything Atelier keeps: the job database,
 * checkpoints, models and downloaded datasets; the volume, in a container
 * @param role what this process does: {@code all} (the default), {@code api} or {@code worker}
 */
@Validated
@ConfigurationProperties("atelier")
public record AtelierProperties(@NotNull @DefaultValue("./data") Path dataDir, @NotNull @DefaultValue("all") Role role) {
}
