package io.atelier.job;

/**
 * The attempt no longer holds its job: another worker claimed it after this one's lease ran out, or it
 * ended. The attempt stops where it is, writing nothing more.
 */
class LeaseLostException extends RuntimeException {

	LeaseLostException(String when) {
		super(when);
	}

}
