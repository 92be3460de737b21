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

	private final DynamicBatching batching;

	private final DistributionSummary imagesPerRequest;

	PredictionService(ModelRegistry models, DynamicBatching batching, InferenceProperties properties,
			MeterRegistry meters) {
		this.models = models;
		this.batching = batching;
		this.decoder = new ImageDecoder(properties.maxPixels());
		this.imagesPerRequest = DistributionSummary.builder("atelier.predict.images")
			.description("Images per prediction request")
			.baseUnit("images")
			.serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
			.register(meters);
	}

	PredictionResponse.Batch predict(List<byte[]> images, String modelId, int topK, ImageDecoder.Invert invert) {
		try (ServingModel.Lease lease = models.borrow(modelId)) {
			ServingModel model = lease.model();
			int classes = model.classNames().size();
			if (topK < 1 || topK > classes) {
				throw Problems.error(HttpStatus.BAD_REQUEST, "Invalid request",
						"topK must be between 1 and " + classes + ", the number of classes.");
			}
			float[][] probabilities = probabilities(model, decode(model, images, invert));
			List<PredictionResponse.Result> results = new ArrayList<>(images.size());
			for (float[] row : probabilities) {
				results.add(new PredictionResponse.Result(top(row, topK, model.classNames())));
			}
			return new PredictionResponse.Batch(new PredictionResponse.ModelRef(model.jobId(), model.epoch()),
					results);
		}
	}

	/** Encoded images as the model's input, decoded the way training saw them. */
	ServingModel.Images decode(ServingModel model, List<byte[]> images, ImageDecoder.Invert invert) {
		int channels = model.channels();
		int height = model.height();
		int width = model.width();
		int size = channels * height * width;
		float[] pixels = new float[images.size() * size];
		for (int i = 0; i < images.size(); i++) {
			byte[] decoded = decoder.decode(images.get(i), channels, width, height, invert, model.invertsLight());
			Preprocessing.scale(decoded, 0, size, pixels, i * size);
		}
		return new ServingModel.Images(pixels, images.size(), channels, height, width);
	}

	/** The class probabilities of each image; a single image may share its pass with others. */
	float[][] probabilities(ServingModel model, ServingModel.Images images) {
		imagesPerRequest.record(images.count());
		return batching.probabilities(model, images);
	}

	static List<PredictionResponse.Prediction> top(float[] probabilities, int k, List<String> classNames) {
		return IntStream.range(0, probabilities.length)
			.boxed()
			.sorted(Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed())
			.limit(k)
			.map(i -> new PredictionResponse.Prediction(i, classNames.get(i), probabilities[i]))
			.toList();
	}

}
