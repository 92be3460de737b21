package io.atelier.inference;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The model-related answers of the prediction API.
 */
final class ModelProblems {

	private ModelProblems() {
	}

	static ErrorResponseException unknownModel(String jobId) {
		return Problems.error(HttpStatus.NOT_FOUND, "Model not found",
				"No trained model for job '" + jobId + "'; GET /models lists them.");
	}

	static ErrorResponseException noModelYet() {
		return Problems.error(HttpStatus.CONFLICT, "No model trained yet",
				"No job has finished training yet. Start one with POST /jobs and predict once it has SUCCEEDED.");
	}

}
