package io.atelier.inference;

import java.util.List;

/**
 * The classes of one image, most probable first.
 *
 * @param model the model that answered
 * @param predictions the top classes with their probabilities
 */
record PredictionResponse(ModelRef model, List<Prediction> predictions) {

	record ModelRef(String jobId, int epoch) {
	}

	record Prediction(int index, String className, double probability) {
	}

	/** Several images in one request, answered in order. */
	record Batch(ModelRef model, List<Result> results) {
	}

	record Result(List<Prediction> predictions) {
	}

}
