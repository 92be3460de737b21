package io.atelier.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, with a {@code __metadata__} map of strings, then the raw
 * little-endian data. DJL's {@code NDList.encode(..., SAFETENSORS)} writes no {@code __metadata__},
 * and the metadata is what makes an exported file usable on its own, hence this writer.
 */
final class Safetensors {

	static final String METADATA = "__metadata__";

	static final String FLOAT32 = "F32";

	private Safetensors() {
	}

	/** A float32 tensor by its name in the file. */
	record Tensor(String name, long[] shape, float[] values) {
	}

	static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata, JsonMapper json)
			throws IOException {
		Map<String, Object> header = new LinkedHashMap<>();
		header.put(METADATA, metadata);
		long offset = 0;
		for (Tensor tensor : tensors) {
			long end = offset + (long) tensor.values().length * Float.BYTES;
			header.put(tensor.name(),
					Map.of("dtype", FLOAT32, "shape", tensor.shape(), "data_offsets", new long[] { offset, end }));
			offset = end;
		}
		byte[] headerBytes = alignedHeader(json.writeValueAsString(header));
		out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
		out.write(headerBytes);
		for (Tensor tensor : tensors) {
			ByteBuffer data = ByteBuffer.allocate(tensor.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
			data.asFloatBuffer().put(tensor.values());
			out.write(data.array());
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
