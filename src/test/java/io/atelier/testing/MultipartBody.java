package io.atelier.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** A multipart/form-data request body written by hand, so tests send exactly the bytes they mean. */
public final class MultipartBody {

	private static final String BOUNDARY = "atelier-test-boundary";

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	public MultipartBody field(String name, String value) {
		write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
		return this;
	}

	public MultipartBody file(String field, String filename, String type, byte[] bytes) {
		write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
				+ "\"\r\nContent-Type: " + type + "\r\n\r\n");
		body.writeBytes(bytes);
		write("\r\n");
		return this;
	}

	/** A POST of this body, closed by its final boundary, to {@code uri}. */
	public HttpRequest.Builder post(URI uri) {
		write("--" + BOUNDARY + "--\r\n");
		return HttpRequest.newBuilder(uri)
			.header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
	}

	private void write(String text) {
		body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
	}

}
