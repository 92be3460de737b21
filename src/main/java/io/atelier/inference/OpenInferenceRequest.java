package io.atelier.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An Open Inference Protocol (KServe V2) inference request: a JSON header, optionally followed by
 * the binary tensor data its inputs point to ({@code Inference-Header-Content-Length} says where the
 * JSON ends, {@code binary_data_size} how many bytes each input takes, in order).
 *
 * @param id the request's id, echoed in the response; may be null
 * @param inputs the input tensors, their data resolved
 * @param outputs the outputs asked for; empty for all, as the protocol says
 * @param binaryOutput whether outputs not saying otherwise are answered as binary data
 */
record OpenInferenceRequest(String id, List<Input> inputs, List<Output> outputs, boolean binaryOutput) {

	/**
	 * One input tensor; exactly one of {@code data} (JSON) and {@code binary} (raw bytes) is set.
	 */
	record Input(String name, long[] shape, String datatype, JsonNode data, ByteBuffer binary) {

		long elements() {
			long count = 1;
			for (long dimension : shape) {
				count *= dimension;
			}
			return count;
		}

	}

	/**
	 * One output asked for.
	 *
	 * @param classification the top classes to answer with the classification extension; 0 for none
	 * @param binary true or false when the output says, null to follow the request
	 */
	record Output(String name, int classification, Boolean binary) {

		boolean binary(boolean requestDefault) {
			return binary != null ? binary : requestDefault;
		}

	}

	static OpenInferenceRequest parse(byte[] body, Long headerLength, ObjectMapper json) {
		int jsonLength = jsonLength(body, headerLength);
		JsonNode root;
		try {
			root = json.readTree(new java.io.ByteArrayInputStream(body, 0, jsonLength));
		}
		catch (JacksonException ex) {
			throw OpenInferenceException.badRequest("The request is not valid JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			throw OpenInferenceException.badRequest("The request must be a JSON object with an 'inputs' array.");
		}
		JsonNode id = root.get("id");
		if (id != null && !id.isString()) {
			throw OpenInferenceException.badRequest("'id' must be a string.");
		}
		JsonNode parameters = parameters(root, "the request");
		boolean binaryOutput = flag(parameters, "binary_data_output", "the request");
		ByteBuffer binary = ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice()
			.order(ByteOrder.LITTLE_ENDIAN);
		List<Input> inputs = inputs(root.get("inputs"), binary);
		if (binary.hasRemaining()) {
			throw OpenInferenceException.badRequest(binary.remaining()
					+ " bytes of binary data follow the inputs' binary_data_size; they must add up exactly.");
		}
		return new OpenInferenceRequest(id == null ? null : id.stringValue(), inputs, outputs(root.get("outputs")),
				binaryOutput);
	}

	private static int jsonLength(byte[] body, Long headerLength) {
		if (headerLength == null) {
			return body.length;
		}
		if (headerLength < 0 || headerLength > body.length) {
			throw OpenInferenceException.badRequest("Inference-Header-Content-Length is " + headerLength
					+ " but the body has " + body.length + " bytes.");
		}
		return Math.toIntExact(headerLength);
	}

	private static List<Input> inputs(JsonNode inputs, ByteBuffer binary) {
		if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
			throw OpenInferenceException.badRequest("'inputs' must be a non-empty array of tensors.");
		}
		List<Input> parsed = new ArrayList<>(inputs.size());
		for (JsonNode input : inputs) {
			parsed.add(input(input, binary));
		}
		return parsed;
	}

	private static Input input(JsonNode input, ByteBuffer binary) {
		if (!input.isObject()) {
			throw OpenInferenceException.badRequest("Each input must be an object with name, shape, datatype and data.");
		}
		String name = text(input, "name", "an input");
		String what = "input '" + name + "'";
		String datatype = text(input, "datatype", what);
		long[] shape = shape(input.get("shape"), what);
		JsonNode parameters = parameters(input, what);
		JsonNode size = parameters == null ? null : parameters.get("binary_data_size");
		JsonNode data = input.get("data");
		if (size == null) {
			if (data == null || data.isNull()) {
				throw OpenInferenceException.badRequest(what + " has no 'data' and no binary_data_size parameter.");
			}
			return new Input(name, shape, datatype, data, null);
		}
		if (data != null) {
			throw OpenInferenceException.badRequest(what + " has both 'data' and binary_data_size; send one.");
		}
		if (!size.canConvertToLong() || size.longValue() < 0 || !size.isIntegralNumber()) {
			throw OpenInferenceException.badRequest(what + ": binary_data_size must be a non-negative integer.");
		}
		if (size.longValue() > binary.remaining()) {
			throw OpenInferenceException.badRequest(what + " says binary_data_size " + size.longValue() + " but only "
					+ binary.remaining() + " bytes of binary data remain.");
		}
		int length = Math.toIntExact(size.longValue());
		ByteBuffer bytes = binary.slice(binary.position(), length).order(ByteOrder.LITTLE_ENDIAN);
		binary.position(binary.position() + length);
		return new Input(name, shape, datatype, null, bytes);
	}

	private static List<Output> outputs(JsonNode outputs) {
		if (outputs == null || outputs.isNull()) {
			return List.of();
		}
		if (!outputs.isArray()) {
			throw OpenInferenceException.badRequest("'outputs' must be an array.");
		}
		List<Output> parsed = new ArrayList<>(outputs.size());
		for (JsonNode output : outputs) {
			if (!output.isObject()) {
				throw OpenInferenceException.badRequest("Each requested output must be an object with a name.");
			}
			String name = text(output, "name", "a requested output");
			String what = "output '" + name + "'";
			JsonNode parameters = parameters(output, what);
			int classification = 0;
			JsonNode k = parameters == null ? null : parameters.get("classification");
			if (k != null) {
				if (!k.isIntegralNumber() || !k.canConvertToInt() || k.intValue() < 1) {
					throw OpenInferenceException.badRequest(what + ": classification must be a positive integer.");
				}
				classification = k.intValue();
			}
			JsonNode binary = parameters == null ? null : parameters.get("binary_data");
			if (binary != null && !binary.isBoolean()) {
				throw OpenInferenceException.badRequest(what + ": binary_data must be true or false.");
			}
			parsed.add(new Output(name, classification, binary == null ? null : binary.booleanValue()));
		}
		return parsed;
	}

	private static long[] shape(JsonNode shape, String what) {
		if (shape == null || !shape.isArray()) {
			throw OpenInferenceException.badRequest(what + " needs a 'shape' array.");
		}
		long[] dimensions = new long[shape.size()];
		for (int i = 0; i < dimensions.length; i++) {
			JsonNode dimension = shape.get(i);
			if (!dimension.isIntegralNumber() || !dimension.canConvertToLong() || dimension.longValue() < 0) {
				throw OpenInferenceException.badRequest(what + ": shape " + shape + " must hold non-negative integers.");
			}
			dimensions[i] = dimension.longValue();
		}
		return dimensions;
	}

	private static JsonNode parameters(JsonNode node, String what) {
		JsonNode parameters = node.get("parameters");
		if (parameters == null || parameters.isNull()) {
			return null;
		}
		if (!parameters.isObject()) {
			throw OpenInferenceException.badRequest("'parameters' of " + what + " must be an object.");
		}
		return parameters;
	}

	private static boolean flag(JsonNode parameters, String name, String what) {
		JsonNode value = parameters == null ? null : parameters.get(name);
		if (value == null) {
			return false;
		}
		if (!value.isBoolean()) {
			throw OpenInferenceException.badRequest(name + " of " + what + " must be true or false.");
		}
		return value.booleanValue();
	}

	private static String text(JsonNode node, String field, String what) {
		JsonNode value = node.get(field);
		if (value == null || !value.isString() || value.stringValue().isEmpty()) {
			throw OpenInferenceException.badRequest(what + " needs a '" + field + "' string.");
		}
		return value.stringValue();
	}

}
