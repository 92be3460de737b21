package io.atelier.job;

/**
 * A job a worker has claimed, as its attempt {@link Lease#attempt()}.
 *
 * @param previousWorker the worker of the attempt before, if there was one
 * @param abandoned whether that worker stopped renewing its lease (killed, paused, cut off) rather than
 * handing the job back at shutdown
 */
record Claim(JobRecord job, Lease lease, String previousWorker, boolean abandoned) {

	boolean resumed() {
		return lease.attempt() > 1;
	}

}
