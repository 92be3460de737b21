package io.atelier.job;

/**
 * The sets in the store a job's record points to, both null for a job that has none yet or that a
 * version before these pointers ran.
 *
 * @param checkpoint its newest epoch checkpoint
 * @param resumePoint where it stopped within the epoch after that one, at a shutdown
 * @param best its best epoch on validation so far, when it holds some out
 */
record ResumeLocations(String checkpoint, String resumePoint, String best) {

	static final ResumeLocations NONE = new ResumeLocations(null, null, null);

	boolean none() {
		return checkpoint == null && resumePoint == null && best == null;
	}

}
