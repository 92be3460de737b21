package io.atelier.system;

/**
 * What this process does, so that one image and one jar can be both the API replicas and the
 * training workers of a deployment.
 */
public enum Role {

	/** The HTTP API, predictions and training in one process: a single machine, the default. */
	ALL,

	/** The HTTP API and predictions; jobs are only queued here, for the workers. */
	API,

	/** Trains jobs from the database; serves only actuator health and Prometheus. */
	WORKER;

	public boolean runsJobs() {
		return this != API;
	}

	public boolean servesApi() {
		return this != WORKER;
	}

}
