package io.atelier.dataset;

/**
 * A dataset that cannot be used: missing, corrupt or unknown. The message says where the service
 * looked and how to provide the data, so it can be shown to a user as it is.
 */
public class DatasetUnavailableException extends RuntimeException {

	DatasetUnavailableException(String message) {
		super(message);
	}

	DatasetUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
