package io.atelier.inference;

import java.util.List;
import java.util.Map;

import io.atelier.system.Problems;

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
		return Problems.error(HttpStatus.NOT_FOUND, "Model not found",
				"No trained model for job '" + jobId + "'; GET /models lists them.");
	}

	static ErrorResponseException noModelYet() {
		return Problems.error(HttpStatus.CONFLICT, "No model trained yet",
				"No job has finished training yet. Start one with POST /jobs and predict once it has SUCCEEDED.");
	}

	static ErrorResponseException unsupportedFile(String reason) {
		return Problems.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Not a model file",
				"The file is neither a safetensors state_dict nor a TorchScript archive: " + reason + ".");
	}

	static ErrorResponseException invalidImport(String detail) {
		return Problems.error(HttpStatus.BAD_REQUEST, "Invalid model upload", detail);
	}

	/** A well-formed file whose model is not what was declared; {@code errors} names each bad tensor. */
	static ErrorResponseException invalidModel(String detail, List<Map<String, Object>> errors) {
		ProblemDetail problem = Problems.detail(HttpStatus.UNPROCESSABLE_CONTENT, "Model does not fit", detail);
		if (!errors.isEmpty()) {
			problem.setProperty("errors", errors);
		}
		return new ErrorResponseException(HttpStatus.UNPROCESSABLE_CONTENT, problem, null);
	}

	static ErrorResponseException uploadTooLarge(long limit) {
		return Problems.error(HttpStatus.CONTENT_TOO_LARGE, "Model file too large",
				"The file is larger than the limit of " + limit + " bytes (atelier.models.max-upload-size).");
	}

	static ErrorResponseException unknownAlias(String alias) {
		return Problems.error(HttpStatus.NOT_FOUND, "Alias not found",
				"No alias '" + alias + "'; GET /models/aliases lists them.");
	}

	static ErrorResponseException aliasShadowsModel(String alias) {
		return Problems.error(HttpStatus.CONFLICT, "Alias is a model id",
				"'" + alias + "' is the id of a model; an alias of that name would hide it.");
	}

	static ErrorResponseException modelAliased(String modelId, List<String> aliases) {
		return Problems.error(HttpStatus.CONFLICT, "Model is in use",
				"Model '" + modelId + "' is named by " + aliases + "; point them elsewhere or delete them first.");
	}

}
