package io.atelier.dataset;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The ways a dataset request fails, as RFC 9457 problems: 400 for a malformed request, 413 for an
 * archive over a limit, 422 for an archive that is readable but not an acceptable image folder, 409
 * for a name that is taken or a dataset a job still needs.
 */
final class DatasetProblems {

	private DatasetProblems() {
	}

	static ErrorResponseException badRequest(String detail) {
		return Problems.error(HttpStatus.BAD_REQUEST, "Invalid dataset request", detail);
	}

	static ErrorResponseException tooLarge(String detail) {
		return Problems.error(HttpStatus.CONTENT_TOO_LARGE, "Archive over a limit", detail);
	}

	static ErrorResponseException unacceptable(String detail) {
		return Problems.error(HttpStatus.UNPROCESSABLE_CONTENT, "Unacceptable archive", detail);
	}

	static ErrorResponseException nameTaken(String name) {
		return Problems.error(HttpStatus.CONFLICT, "Dataset exists",
				"A dataset named '" + name + "' exists already; delete it first or choose another name.");
	}

	static ErrorResponseException inUse(String name, java.util.List<String> jobs) {
		return Problems.error(HttpStatus.CONFLICT, "Dataset in use", "Dataset '" + name + "' is used by "
				+ (jobs.size() == 1 ? "job " : "jobs ") + String.join(", ", jobs)
				+ ", queued or running; cancel them or wait for them to end.");
	}

	/** The data volume failed (full, read-only, gone): the request was fine, the service could not do it. */
	static ErrorResponseException volume(String what, java.io.IOException ex) {
		return Problems.error(HttpStatus.SERVICE_UNAVAILABLE, "Data volume error",
				"The data volume could not " + what + ": " + ex + ".");
	}

	static ErrorResponseException notFound(String name) {
		return Problems.error(HttpStatus.NOT_FOUND, "Unknown dataset", "There is no dataset named '" + name + "'.");
	}

	static ErrorResponseException notDeletable(String name) {
		return Problems.error(HttpStatus.CONFLICT, "Dataset is configured", "Dataset '" + name
				+ "' comes from the service's configuration; only uploaded datasets can be deleted.");
	}

}
