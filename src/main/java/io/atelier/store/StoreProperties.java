package io.atelier.store;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How checkpoints are kept on the data volume.
 *
 * @param keepCheckpoints how many of a job's most recent epoch checkpoints to keep; the final model of
 * a successful job is kept in addition
 */
@Validated
@ConfigurationProperties("atelier.store")
record StoreProperties(@Min(1) @DefaultValue("3") int keepCheckpoints) {
}
