package io.atelier.inference;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The model-related answers of the prediction API.
 */
final class ModelProblems {

	private ModelProblems() {
	}

	static ErrorResponseException unknownModel(String jobId) {
		return problem(HttpStatus.NOT_FOUND, "Model not found",
				"No trained model for job '" + jobId + "'; GET /models lists them.");
	}

	static ErrorResponseException noModelYet() {
		return problem(HttpStatus.CONFLICT, "No model trained yet",
				"No job has finished training yet. Start one with POST /jobs and predict once it has SUCCEEDED.");
	}

	private static ErrorResponseException problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return new ErrorResponseException(status, problem, null);
	}

}
