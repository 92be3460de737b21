package io.atelier;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A user of a running Atelier: a container, a Compose project, a jar, or one in the test's own JVM. */
public final class AtelierClient {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final String apiKey;

	public AtelierClient(String base, String apiKey) {
		this.base = base;
		this.apiKey = apiKey;
	}

	/** A client of a service in the test's own JVM, without a key (the tests that use it run insecure). */
	public static AtelierClient local(int port) {
		return new AtelierClient("http://localhost:" + port, null);
	}

	/** Starts a job and answers its id. */
	public String startJob(String json) {
		HttpResponse<String> created = send(request("/jobs").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
		return created.headers().firstValue("Location").orElseThrow().substring("/jobs/".length());
	}

	public void awaitState(String jobId, String state, Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(500))
			.until(() -> get("/jobs/" + jobId).body().contains("\"state\":\"" + state + "\""));
	}

	/**
	 * Waits until the job has succeeded and answers it as {@code GET /jobs/{id}} shows it; fails at once,
	 * with the job, if it fails or is cancelled instead.
	 */
	public String awaitSuccess(String jobId, Duration atMost) {
		return await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
			String job = get("/jobs/" + jobId).body();
			assertThat(job).doesNotContain("\"state\":\"FAILED\"", "\"state\":\"CANCELLED\"");
			return job;
		}, job -> job.contains("\"state\":\"SUCCEEDED\""));
	}

	public HttpResponse<String> get(String path) {
		return send(request(path).GET());
	}

	/** Predicts the class of a black 28x28 image and answers the body. */
	public String predictBlackImage() {
		return predictBlackImage(null);
	}

	/** As {@link #predictBlackImage()}, with the model of that id, or the default one when null. */
	public String predictBlackImage(String model) {
		HttpResponse<String> response = send(request(model == null ? "/predict" : "/predict?model=" + model)
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofByteArray(blackPng())));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	public boolean isReady() {
		try {
			return http.send(request("/actuator/health/readiness").GET().build(), HttpResponse.BodyHandlers.discarding())
				.statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	public HttpResponse<String> send(HttpRequest.Builder request) {
		return send(request.build());
	}

	public HttpResponse<String> send(HttpRequest request) {
		return send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** As {@link #send(HttpRequest)}, for a body other than text: bytes, or lines as they arrive. */
	public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
		try {
			return http.send(request, body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public URI uri(String path) {
		return URI.create(base + path);
	}

	public HttpRequest.Builder request(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
		return apiKey == null ? request : request.header("Authorization", "Bearer " + apiKey);
	}

	private static byte[] blackPng() {
		try {
			ByteArrayOutputStream png = new ByteArrayOutputStream();
			ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png);
			return png.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
