package io.atelier.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, with a {@code __metadata__} map of strings, then the raw
 * little-endian data. DJL's {@code NDList.encode(..., SAFETENSORS)} writes no {@code __metadata__},
 * and the metadata is what makes an exported file usable on its own, hence this writer; and the
 * reader checks an untrusted upload's header before anything is allocated from it.
 */
final class Safetensors {

	static final String METADATA = "__metadata__";

	static final String FLOAT32 = "F32";

	static final String INT64 = "I64";

	/** The format's own bound on the header, which keeps a hostile length from allocating memory. */
	private static final long MAX_HEADER = 100L * 1024 * 1024;

	private Safetensors() {
	}

	/** A tensor as the header describes it; its bytes are {@code [begin, end)} of the data. */
	record Entry(String dtype, long[] shape, long begin, long end) {

		long elements() {
			long elements = 1;
			for (long dimension : shape) {
				elements = Math.multiplyExact(elements, dimension);
			}
			return elements;
		}

	}

	/** A file's header and data. */
	record Contents(Map<String, Entry> tensors, Map<String, String> metadata, ByteBuffer data) {

		/** The values of a float32 tensor whose byte range has been checked. */
		float[] floats(Entry entry) {
			float[] values = new float[Math.toIntExact(entry.elements())];
			data.slice(Math.toIntExact(entry.begin()), Math.toIntExact(entry.end() - entry.begin()))
				.order(ByteOrder.LITTLE_ENDIAN)
				.asFloatBuffer()
				.get(values);
			return values;
		}

	}

	/** The file is not safetensors at all. */
	static final class FormatException extends RuntimeException {

		FormatException(String message) {
			super(message);
		}

	}

	/** Reads the header of a whole file; the byte ranges are the caller's to check against the data. */
	static Contents read(byte[] file, JsonMapper json) {
		if (file.length < Long.BYTES) {
			throw new FormatException("it is shorter than the 8-byte header length");
		}
		long length = ByteBuffer.wrap(file, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
		if (length < 2 || length > MAX_HEADER || length > file.length - Long.BYTES) {
			throw new FormatException("its header length " + length + " does not fit the file");
		}
		JsonNode header;
		try {
			header = json.readTree(new String(file, Long.BYTES, (int) length, StandardCharsets.UTF_8));
		}
		catch (JacksonException ex) {
			throw new FormatException("its header is not JSON");
		}
		if (!header.isObject()) {
			throw new FormatException("its header is not a JSON object");
		}
		Map<String, Entry> tensors = new LinkedHashMap<>();
		Map<String, String> metadata = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> field : header.properties()) {
			if (field.getKey().equals(METADATA)) {
				field.getValue().properties().forEach(entry -> metadata.put(entry.getKey(), entry.getValue().asString()));
			}
			else {
				tensors.put(field.getKey(), entry(field.getKey(), field.getValue()));
			}
		}
		int dataStart = Long.BYTES + (int) length;
		return new Contents(tensors, metadata, ByteBuffer.wrap(file, dataStart, file.length - dataStart).slice());
	}

	private static boolean isSize(JsonNode node) {
		return node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0;
	}

	private static Entry entry(String name, JsonNode tensor) {
		JsonNode shape = tensor.path("shape");
		JsonNode offsets = tensor.path("data_offsets");
		if (!tensor.path("dtype").isString() || !shape.isArray() || !offsets.isArray() || offsets.size() != 2
				|| !isSize(offsets.get(0)) || !isSize(offsets.get(1))) {
			throw new FormatException("tensor '" + name + "' lacks a dtype, shape or data_offsets");
		}
		long[] dimensions = new long[shape.size()];
		for (int i = 0; i < dimensions.length; i++) {
			if (!isSize(shape.get(i))) {
				throw new FormatException("tensor '" + name + "' has a shape that is not a list of sizes");
			}
			dimensions[i] = shape.get(i).asLong();
		}
		return new Entry(tensor.path("dtype").asString(), dimensions, offsets.get(0).asLong(), offsets.get(1).asLong());
	}

	/** A tensor by its name in the file, its values as little-endian bytes of its dtype. */
	record Tensor(String name, String dtype, long[] shape, byte[] data) {

		/** A float32 tensor. */
		Tensor(String name, long[] shape, float[] values) {
			this(name, FLOAT32, shape, bytes(values));
		}

		/** An int64 tensor, such as batch norm's {@code num_batches_tracked} (shape {@code []}, one value). */
		static Tensor int64(String name, long[] shape, long... values) {
			return new Tensor(name, INT64, shape, bytes(values));
		}

		private static byte[] bytes(float[] values) {
			ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
			bytes.asFloatBuffer().put(values);
			return bytes.array();
		}

		private static byte[] bytes(long[] values) {
			ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
			bytes.asLongBuffer().put(values);
			return bytes.array();
		}

	}

	static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata, JsonMapper json)
			throws IOException {
		Map<String, Object> header = new LinkedHashMap<>();
		header.put(METADATA, metadata);
		long offset = 0;
		for (Tensor tensor : tensors) {
			long end = offset + tensor.data().length;
			header.put(tensor.name(),
					Map.of("dtype", tensor.dtype(), "shape", tensor.shape(), "data_offsets", new long[] { offset, end }));
			offset = end;
		}
		byte[] headerBytes = alignedHeader(json.writeValueAsString(header));
		out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
		out.write(headerBytes);
		for (Tensor tensor : tensors) {
			out.write(tensor.data());
		}
	}

	/** Padded with spaces, as the reference implementation does, so that the data starts 8-byte aligned. */
	private static byte[] alignedHeader(String header) {
		StringBuilder padded = new StringBuilder(header);
		while ((padded.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) {
			padded.append(' ');
		}
		return padded.toString().getBytes(StandardCharsets.UTF_8);
	}

}
