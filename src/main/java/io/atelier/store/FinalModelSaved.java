package io.atelier.store;

/**
 * Published when a job's final model is on the volume, ready to serve.
 *
 * @param checkpoint the final model
 */
public record FinalModelSaved(Checkpoint checkpoint) {
}
