package io.atelier.inference;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An inference response in the protocol's JSON, with outputs asked for as binary appended after it
 * (the binary tensor data extension): {@code headerLength} is then the JSON's length, sent as
 * {@code Inference-Header-Content-Length}.
 *
 * @param body the JSON, followed by any binary output data
 * @param headerLength the JSON's length when binary data follows, else null
 */
record OpenInferenceResponse(byte[] body, Integer headerLength) {

	static final String OUTPUT = "probabilities";

	static OpenInferenceResponse of(String modelName, String modelVersion, OpenInferenceRequest request,
			float[][] probabilities, List<String> classNames, ObjectMapper json) {
		List<OpenInferenceRequest.Output> outputs = request.outputs().isEmpty()
				? List.of(new OpenInferenceRequest.Output(OUTPUT, 0, null)) : request.outputs();
		ObjectNode root = json.createObjectNode();
		root.put("model_name", modelName);
		root.put("model_version", modelVersion);
		if (request.id() != null) {
			root.put("id", request.id());
		}
		ArrayNode answers = root.putArray("outputs");
		ByteArrayOutputStream binary = new ByteArrayOutputStream();
		for (OpenInferenceRequest.Output output : outputs) {
			if (!output.name().equals(OUTPUT)) {
				throw OpenInferenceException.badRequest("This model has one output, '" + OUTPUT + "'; there is no '"
						+ output.name() + "'.");
			}
			if (output.classification() > classNames.size()) {
				throw OpenInferenceException.badRequest("classification asks for the top " + output.classification()
						+ " of " + classNames.size() + " classes.");
			}
			ObjectNode answer = answers.addObject().put("name", OUTPUT);
			byte[] data = output.classification() > 0
					? classification(answer, probabilities, output.classification(), classNames,
							output.binary(request.binaryOutput()))
					: probabilities(answer, probabilities, output.binary(request.binaryOutput()));
			if (data != null) {
				answer.putObject("parameters").put("binary_data_size", data.length);
				binary.writeBytes(data);
			}
		}
		byte[] header = json.writeValueAsBytes(root);
		if (binary.size() == 0 && outputs.stream().noneMatch(output -> output.binary(request.binaryOutput()))) {
			return new OpenInferenceResponse(header, null);
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream(header.length + binary.size());
		body.writeBytes(header);
		body.writeBytes(binary.toByteArray());
		return new OpenInferenceResponse(body.toByteArray(), header.length);
	}

	/** FP32 {@code [n, classes]}; returns the binary data, or null when it went into the JSON. */
	private static byte[] probabilities(ObjectNode answer, float[][] probabilities, boolean binary) {
		int classes = probabilities.length == 0 ? 0 : probabilities[0].length;
		answer.put("datatype", "FP32");
		answer.putArray("shape").add(probabilities.length).add(classes);
		if (binary) {
			ByteBuffer data = ByteBuffer.allocate(probabilities.length * classes * Float.BYTES)
				.order(ByteOrder.LITTLE_ENDIAN);
			for (float[] row : probabilities) {
				data.asFloatBuffer().put(row);
				data.position(data.position() + row.length * Float.BYTES);
			}
			return data.array();
		}
		ArrayNode data = answer.putArray("data");
		for (float[] row : probabilities) {
			for (float value : row) {
				data.add(value);
			}
		}
		return null;
	}

	/**
	 * The classification extension: BYTES {@code [n, k]}, each element
	 * {@code "<probability>:<index>:<label>"}, most probable first.
	 */
	private static byte[] classification(ObjectNode answer, float[][] probabilities, int k, List<String> classNames,
			boolean binary) {
		answer.put("datatype", "BYTES");
		answer.putArray("shape").add(probabilities.length).add(k);
		List<String> elements = new ArrayList<>(probabilities.length * k);
		for (float[] row : probabilities) {
			for (PredictionResponse.Prediction top : PredictionService.top(row, k, classNames)) {
				elements.add((float) top.probability() + ":" + top.index() + ":" + top.className());
			}
		}
		if (binary) {
			ByteArrayOutputStream data = new ByteArrayOutputStream();
			for (String element : elements) {
				byte[] bytes = element.getBytes(StandardCharsets.UTF_8);
				data.writeBytes(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length)
					.array());
				data.writeBytes(bytes);
			}
			return data.toByteArray();
		}
		ArrayNode data = answer.putArray("data");
		elements.forEach(data::add);
		return null;
	}

}
