package io.atelier.dataset;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Fetches one file over HTTP into place atomically: a partial download is never taken for the file.
 */
final class Downloader {

	private final HttpClient client = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NORMAL)
		.connectTimeout(Duration.ofSeconds(30))
		.build();

	void fetch(URI source, Path target, Duration timeout) throws IOException {
		Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
		try {
			HttpRequest request = HttpRequest.newBuilder(source).timeout(timeout).GET().build();
			HttpResponse<Path> response = client.send(request,
					HttpResponse.BodyHandlers.ofFile(partial));
			if (response.statusCode() != 200) {
				throw new IOException(source + " answered HTTP " + response.statusCode());
			}
			Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while downloading " + source, ex);
		}
		finally {
			Files.deleteIfExists(partial);
		}
	}

}
