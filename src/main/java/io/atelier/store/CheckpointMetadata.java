package io.atelier.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON sidecar beside a checkpoint's parameters: enough to load and describe it without the
 * job database.
 *
 * @param jobId the job that wrote it
 * @param epoch the epoch after which it was written
 * @param architecture the network's architecture id
 * @param dataset the dataset it was trained on
 * @param classNames class names by output index
 * @param input the images the network takes; absent from checkpoints written before it was recorded
 * @param hyperparameters the job's effective hyperparameters
 * @param metrics the epoch's metrics
 * @param savedAt when it was written
 * @param name what its owner calls it, if anything (imported models)
 */
public record CheckpointMetadata(String jobId, int epoch, String architecture, String dataset,
		List<String> classNames, Input input, Map<String, Object> hyperparameters, Map<String, Object> metrics,
		Instant savedAt, String name) {

	/** A job's checkpoint, which is known by its job rather than a name. */
	public CheckpointMetadata(String jobId, int epoch, String architecture, String dataset, List<String> classNames,
			Input input, Map<String, Object> hyperparameters, Map<String, Object> metrics, Instant savedAt) {
		this(jobId, epoch, architecture, dataset, classNames, input, hyperparameters, metrics, savedAt, null);
	}

	/** Checkpoints from before the input was recorded were all trained on Fashion-MNIST's images. */
	public static final Input FASHION_MNIST_INPUT = new Input(1, 28, 28);

	/** The input as recorded, or what every checkpoint without one was trained on. */
	public Input inputOrDefault() {
		return input != null ? input : FASHION_MNIST_INPUT;
	}

	/**
	 * @param channels 1 for grayscale, 3 for RGB
	 * @param height rows of pixels
	 * @param width columns of pixels
	 * @param invertLight whether serving's {@code invert=auto} inverts images with a light border: true
	 * for models of light-on-dark images (MNIST-style IDX datasets); absent from older checkpoints, which
	 * means true for grayscale and false for colour
	 */
	public record Input(int channels, int height, int width, Boolean invertLight) {

		public Input(int channels, int height, int width) {
			this(channels, height, width, null);
		}

		public boolean invertsLight() {
			return invertLight != null ? invertLight : channels == 1;
		}

	}

}
