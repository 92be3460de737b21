package io.atelier.inference;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import io.atelier.network.Preprocessing;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;

/**
 * The protocol's {@code image} input as network input, with the limits of {@code /predict}: FP32
 * scaled pixels {@code [n, c, h, w]}; UINT8 raw pixels {@code [n, c, h, w]} (or {@code [n, h, w]}
 * for a grayscale model), scaled as training scaled them; or BYTES {@code [n]} (or {@code [n, 1]}), each element one
 * encoded image decoded as {@code /predict} decodes it. In JSON, BYTES elements are base64 strings.
 */
final class OpenInferenceImages {

	static final String INPUT = "image";

	private final PredictionService predictions;

	private final InferenceProperties limits;

	private final ServingModel model;

	private final int channels;

	private final int rows;

	private final int cols;

	OpenInferenceImages(PredictionService predictions, InferenceProperties limits, ServingModel model) {
		this.predictions = predictions;
		this.limits = limits;
		this.model = model;
		this.channels = model.channels();
		this.rows = model.height();
		this.cols = model.width();
	}

	ServingModel.Images read(List<OpenInferenceRequest.Input> inputs) {
		if (inputs.size() != 1 || !inputs.get(0).name().equals(INPUT)) {
			throw OpenInferenceException.badRequest("This model takes exactly one input, '" + INPUT + "'; got "
					+ inputs.stream().map(input -> "'" + input.name() + "'").toList() + ".");
		}
		OpenInferenceRequest.Input input = inputs.get(0);
		return switch (input.datatype()) {
			case "FP32" -> fp32(input);
			case "UINT8" -> uint8(input);
			case "BYTES" -> bytes(input);
			default -> throw OpenInferenceException.badRequest("Input '" + INPUT + "' has datatype "
					+ input.datatype() + "; send FP32 (scaled pixels), UINT8 (raw pixels) or BYTES (encoded images).");
		};
	}

	private ServingModel.Images fp32(OpenInferenceRequest.Input input) {
		int count = images(input, input.shape().length == 4 && input.shape()[1] == channels
				&& input.shape()[2] == rows && input.shape()[3] == cols, "[-1, " + channels + ", " + rows + ", " + cols + "]");
		int values = count * channels * rows * cols;
		float[] pixels = new float[values];
		if (input.binary() != null) {
			requireBinarySize(input, (long) values * Float.BYTES);
			input.binary().asFloatBuffer().get(pixels);
		}
		else {
			flatten(input, values, (node, i) -> {
				if (!node.isNumber()) {
					throw OpenInferenceException.badRequest("Input '" + INPUT + "' is FP32 but holds " + node + ".");
				}
				pixels[i] = node.floatValue();
			});
		}
		return new ServingModel.Images(pixels, count, channels, rows, cols);
	}

	private ServingModel.Images uint8(OpenInferenceRequest.Input input) {
		long[] shape = input.shape();
		boolean fits = (channels == 1 && shape.length == 3 && shape[1] == rows && shape[2] == cols)
				|| (shape.length == 4 && shape[1] == channels && shape[2] == rows && shape[3] == cols);
		String full = "[-1, " + channels + ", " + rows + ", " + cols + "]";
		int count = images(input, fits, channels == 1 ? "[-1, " + rows + ", " + cols + "] or " + full : full);
		int values = count * channels * rows * cols;
		byte[] raw = new byte[values];
		if (input.binary() != null) {
			requireBinarySize(input, values);
			input.binary().get(raw);
		}
		else {
			flatten(input, values, (node, i) -> {
				if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0 || node.intValue() > 255) {
					throw OpenInferenceException.badRequest("Input '" + INPUT + "' is UINT8 but holds " + node
							+ "; pixels are integers from 0 to 255.");
				}
				raw[i] = (byte) node.intValue();
			});
		}
		float[] pixels = new float[values];
		Preprocessing.scale(raw, 0, values, pixels, 0);
		return new ServingModel.Images(pixels, count, channels, rows, cols);
	}

	private ServingModel.Images bytes(OpenInferenceRequest.Input input) {
		long[] shape = input.shape();
		int count = images(input, shape.length == 1 || (shape.length == 2 && shape[1] == 1), "[-1] or [-1, 1]");
		List<byte[]> images = new ArrayList<>(count);
		if (input.binary() != null) {
			ByteBuffer binary = input.binary();
			while (binary.hasRemaining()) {
				if (binary.remaining() < Integer.BYTES) {
					throw OpenInferenceException.badRequest("The binary data of input '" + INPUT
							+ "' ends inside an element's 4-byte length.");
				}
				long length = Integer.toUnsignedLong(binary.getInt());
				if (length > binary.remaining()) {
					throw OpenInferenceException.badRequest("An element of input '" + INPUT + "' claims " + length
							+ " bytes but only " + binary.remaining() + " remain.");
				}
				images.add(image(binary, (int) length));
			}
		}
		else {
			flatten(input, count, (node, i) -> {
				if (!node.isString()) {
					throw OpenInferenceException.badRequest("Input '" + INPUT + "' is BYTES: each element must be a "
							+ "string holding one base64-encoded image.");
				}
				images.add(base64(node.stringValue()));
			});
		}
		if (images.size() != count) {
			throw OpenInferenceException.badRequest("Input '" + INPUT + "' has shape " + Arrays.toString(shape)
					+ " but holds " + images.size() + " images.");
		}
		return predictions.decode(model, images, ImageDecoder.Invert.AUTO);
	}

	/** The number of images, the first dimension, checked against the shape and the batch limit. */
	private int images(OpenInferenceRequest.Input input, boolean shapeFits, String expected) {
		long[] shape = input.shape();
		if (!shapeFits) {
			throw OpenInferenceException.badRequest("Input '" + INPUT + "' of datatype " + input.datatype()
					+ " must have shape " + expected + "; got " + Arrays.toString(shape) + ".");
		}
		if (shape[0] < 1 || shape[0] > limits.maxBatchImages()) {
			throw OpenInferenceException.badRequest("Input '" + INPUT + "' holds " + shape[0]
					+ " images; send 1 to " + limits.maxBatchImages() + ".");
		}
		return (int) shape[0];
	}

	private byte[] image(ByteBuffer binary, int length) {
		tooLarge(length);
		byte[] image = new byte[length];
		binary.get(image);
		return image;
	}

	private byte[] base64(String text) {
		tooLarge((long) text.length() * 3 / 4 - 2);
		try {
			return Base64.getDecoder().decode(text);
		}
		catch (IllegalArgumentException ex) {
			throw OpenInferenceException.badRequest("An element of input '" + INPUT
					+ "' is not base64 (BYTES in JSON carry each image base64-encoded): " + ex.getMessage());
		}
	}

	private void tooLarge(long length) {
		long limit = limits.maxImageSize().toBytes();
		if (length > limit) {
			throw new OpenInferenceException(HttpStatus.CONTENT_TOO_LARGE,
					"An image of input '" + INPUT + "' is larger than the limit of " + limit + " bytes.");
		}
	}

	private static void requireBinarySize(OpenInferenceRequest.Input input, long expected) {
		if (input.binary().remaining() != expected) {
			throw OpenInferenceException.badRequest("Input '" + INPUT + "' of shape " + Arrays.toString(input.shape())
					+ " and datatype " + input.datatype() + " takes " + expected + " bytes of binary data; "
					+ "binary_data_size says " + input.binary().remaining() + ".");
		}
	}

	/** Visits the tensor's elements in row-major order, from nested arrays or a flat one. */
	private static void flatten(OpenInferenceRequest.Input input, int expected, ElementVisitor visitor) {
		int[] seen = { 0 };
		visit(input.data(), expected, visitor, seen, 0);
		if (seen[0] != expected) {
			throw OpenInferenceException.badRequest("Input '" + INPUT + "' has " + seen[0] + " elements; shape "
					+ Arrays.toString(input.shape()) + " takes " + expected + ".");
		}
	}

	private static void visit(JsonNode node, int expected, ElementVisitor visitor, int[] seen, int depth) {
		if (!node.isArray()) {
			if (depth == 0) {
				throw OpenInferenceException.badRequest("The 'data' of input '" + INPUT + "' must be an array.");
			}
			if (seen[0] >= expected) {
				seen[0]++;
				return;
			}
			visitor.visit(node, seen[0]++);
			return;
		}
		if (depth > 8) {
			throw OpenInferenceException.badRequest("The 'data' of input '" + INPUT + "' is nested too deeply.");
		}
		for (JsonNode element : node) {
			visit(element, expected, visitor, seen, depth + 1);
		}
	}

	@FunctionalInterface
	private interface ElementVisitor {

		void visit(JsonNode element, int index);

	}

}
