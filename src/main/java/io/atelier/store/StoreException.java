package io.atelier.store;

/**
 * The volume refused a read or write; the message says which file and why.
 */
public class StoreException extends RuntimeException {

	StoreException(String message, Throwable cause) {
		super(message, cause);
	}

}
