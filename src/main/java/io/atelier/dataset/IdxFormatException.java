package io.atelier.dataset;

/**
 * An IDX file that is not what it claims to be: wrong magic, dimensions or length.
 */
class IdxFormatException extends RuntimeException {

	IdxFormatException(String message) {
		super(message);
	}

}
