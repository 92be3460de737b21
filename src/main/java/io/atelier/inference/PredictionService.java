package io.atelier.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import io.atelier.network.Preprocessing;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Decodes images the way training saw them and runs them through a model in one forward pass.
 */
@Service
class PredictionService {

	private final ModelRegistry models;

	private final ImageDecoder decoder;

	private final DistributionSummary imagesPerRequest;

	PredictionService(ModelRegistry models, InferenceProperties properties, MeterRegistry meters) {
		this.models = models;
		this.decoder = new ImageDecoder(properties.maxPixels());
		this.imagesPerRequest = DistributionSummary.builder("atelier.predict.images")
			.description("Images per prediction request")
			.baseUnit("images")
			.serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
			.register(meters);
	}

	PredictionResponse.Batch predict(List<byte[]> images, String modelId, int topK, ImageDecoder.Invert invert) {
		ServingModel model = models.serving(modelId);
		int classes = model.classNames().size();
		if (topK < 1 || topK > classes) {
			throw Problems.error(HttpStatus.BAD_REQUEST, "Invalid request",
					"topK must be between 1 and " + classes + ", the number of classes.");
		}
		int height = model.height();
		int width = model.width();
		float[] pixels = new float[images.size() * height * width];
		for (int i = 0; i < images.size(); i++) {
			byte[] gray = decoder.decode(images.get(i), height, width, invert);
			Preprocessing.scale(gray, 0, gray.length, pixels, i * height * width);
		}
		imagesPerRequest.record(images.size());
		float[][] probabilities = model.probabilities(new ServingModel.Images(pixels, images.size(), height, width));
		List<PredictionResponse.Result> results = new ArrayList<>(images.size());
		for (float[] row : probabilities) {
			results.add(new PredictionResponse.Result(top(row, topK, model.classNames())));
		}
		return new PredictionResponse.Batch(new PredictionResponse.ModelRef(model.jobId(), model.epoch()), results);
	}

	private static List<PredictionResponse.Prediction> top(float[] probabilities, int k, List<String> classNames) {
		return IntStream.range(0, probabilities.length)
			.boxed()
			.sorted(Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed())
			.limit(k)
			.map(i -> new PredictionResponse.Prediction(i, classNames.get(i), probabilities[i]))
			.toList();
	}

}
