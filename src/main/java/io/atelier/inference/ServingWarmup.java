package io.atelier.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;

import io.atelier.security.SecurityProperties;
import io.atelier.system.AtelierProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * Sends predictions to the service itself, through real HTTP, before it reports ready: the JIT
 * compiles the whole serving path (HTTP, the key check, decoding, batching, the engine, JSON) and
 * the default model is loaded, so that the first requests after readiness are not served by the
 * interpreter. Runs only when there is a model; readiness waits for it (Spring Boot marks the
 * service ready after every runner), liveness does not.
 */
@Component
class ServingWarmup implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(ServingWarmup.class);

	private final WarmupProperties properties;

	private final ModelRegistry models;

	private final SecurityProperties security;

	private final ApplicationContext context;

	private final boolean serves;

	ServingWarmup(WarmupProperties properties, ModelRegistry models, SecurityProperties security,
			ApplicationContext context, AtelierProperties atelier) {
		this.serves = atelier.role().servesApi();
		this.properties = properties;
		this.models = models;
		this.security = security;
		this.context = context;
	}

	/** A warm-up that fails leaves a cold service, not one that does not start. */
	@Override
	public void run(ApplicationArguments args) {
		if (!serves || properties.requests() == 0 || models.list().isEmpty()
				|| !(context instanceof WebServerApplicationContext web) || web.getWebServer().getPort() <= 0) {
			return;
		}
		try {
			warm(web.getWebServer().getPort());
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			log.warn("Could not warm the serving path; the first predictions will be slower", ex);
		}
	}

	private void warm(int port) throws Exception {
		models.borrow(null).close();
		HttpRequest.Builder request = HttpRequest.newBuilder(
				URI.create("http://localhost:" + port + "/predict"))
			.header("Content-Type", "image/png");
		key().ifPresent(key -> request.header("Authorization", "Bearer " + key));
		List<HttpRequest> requests = List.of(
				request.POST(HttpRequest.BodyPublishers.ofByteArray(image(28, 28, BufferedImage.TYPE_BYTE_GRAY))).build(),
				request.POST(HttpRequest.BodyPublishers.ofByteArray(image(96, 64, BufferedImage.TYPE_INT_RGB))).build());
		long start = System.nanoTime();
		long deadline = start + properties.maxDuration().toNanos();
		AtomicLong sent = new AtomicLong();
		AtomicLong answered = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		ExecutorService clients = Executors.newFixedThreadPool(properties.concurrency());
		try {
			List<Future<?>> work = new ArrayList<>();
			for (int i = 0; i < properties.concurrency(); i++) {
				work.add(clients.submit(() -> {
					long next;
					while ((next = sent.getAndIncrement()) < properties.requests() && System.nanoTime() < deadline) {
						HttpResponse<Void> response = http.send(requests.get((int) (next % 2)),
								HttpResponse.BodyHandlers.discarding());
						answered.incrementAndGet();
						if (response.statusCode() != 200) {
							failed.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : work) {
				future.get();
			}
		}
		finally {
			clients.shutdownNow();
		}
		log.info("Warmed the serving path with {} predictions in {} ms ({} not answered 200)", answered.get(),
				(System.nanoTime() - start) / 1_000_000, failed.get());
	}

	/** Any configured key that may predict; none is needed in insecure local mode. */
	private java.util.Optional<String> key() {
		if (security.insecureLocalMode()) {
			return java.util.Optional.empty();
		}
		return security.predictorKeys().stream().findFirst().or(() -> security.trainerKeys().stream().findFirst());
	}

	/** A synthetic dark-on-light image: a gray one the size of the input, and a colour one to resize and invert. */
	private static byte[] image(int width, int height, int type) {
		BufferedImage image = new BufferedImage(width, height, type);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				int value = 255 - ((x * y) % 200);
				image.setRGB(x, y, value << 16 | value << 8 | value);
			}
		}
		try {
			ByteArrayOutputStream png = new ByteArrayOutputStream();
			ImageIO.write(image, "png", png);
			return png.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
