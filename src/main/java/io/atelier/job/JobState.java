package io.atelier.job;

enum JobState {

	QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

	boolean isTerminal() {
		return this == SUCCEEDED || this == FAILED || this == CANCELLED;
	}

}
