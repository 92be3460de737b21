package io.atelier.store;

/**
 * A model the service serves: where its files are, what its sidecar says, and how it came to be here.
 *
 * @param checkpoint its files in the store
 * @param metadata its sidecar
 * @param source how it came here
 */
public record StoredModel(Checkpoint checkpoint, CheckpointMetadata metadata, Source source) {

	public String id() {
		return checkpoint.jobId();
	}

	public enum Source {

		/** A job's final model. */
		TRAINED,

		/** Uploaded, trained elsewhere. */
		IMPORTED

	}

}
