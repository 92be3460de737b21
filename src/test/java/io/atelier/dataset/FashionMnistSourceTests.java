package io.atelier.dataset;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FashionMnistSourceTests {

	@TempDir
	Path tmp;

	@Test
	void loadsFilesFromTheConfiguredDirectory() throws IOException {
		Path dir = IdxFixtures.write(tmp.resolve("fixtures"), 50, 20);
		LabeledDataset dataset = source(dir, false, false, null).load();
		assertThat(dataset.name()).isEqualTo("fashion-mnist");
		assertThat(dataset.classNames()).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
		assertThat(dataset.train().count()).isEqualTo(50);
		assertThat(dataset.test().count()).isEqualTo(20);
		assertThat(dataset.train().label(13)).isEqualTo(3);
	}

	@Test
	void sayWhereItLookedAndHowToProvideTheDataWhenMissing() {
		FashionMnistSource source = source(tmp.resolve("empty"), false, false, null);
		assertThatThrownBy(source::checkAvailable).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining(tmp.resolve("empty").toAbsolutePath().toString())
			.hasMessageContaining("(none of the four files)")
			.hasMessageContaining("apt-get install")
			.hasMessageContaining("dataset-fashion-mnist")
			.hasMessageContaining("atelier.datasets.fashion-mnist.dir");
		assertThatThrownBy(source::load).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageStartingWith("Fashion-MNIST was not found");
	}

	@Test
	void refusesFilesThatAreNotTheOfficialReleaseWhenVerifying() throws IOException {
		Path dir = IdxFixtures.write(tmp.resolve("fixtures"), 50, 20);
		assertThatThrownBy(() -> source(dir, true, false, null).load())
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("is unusable")
			.hasMessageContaining("train-images-idx3-ubyte.gz decompresses to 39216 bytes, expected 47040016");
	}

	@Test
	void explainsACorruptFile() throws IOException {
		Path dir = IdxFixtures.write(tmp.resolve("fixtures"), 50, 20);
		Files.writeString(dir.resolve("t10k-labels-idx1-ubyte.gz"), "<html>not found</html>");
		assertThatThrownBy(() -> source(dir, false, false, null).load())
			.isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("t10k-labels-idx1-ubyte.gz is not a valid gzip file");
	}

	@Test
	void refusesLabelsOutsideTheTenClasses() throws IOException {
		Path dir = IdxFixtures.write(tmp.resolve("fixtures"), 50, 20);
		byte[] labels = new byte[20];
		labels[5] = 10;
		IdxFixtures.gzip(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxFixtures.labels(labels));
		assertThatThrownBy(() -> source(dir, false, false, null).load())
			.hasMessageContaining("label 10 is not one of the 10 classes");
	}

	@Test
	void downloadsIntoTheDataDirectoryWhenEnabled() throws IOException {
		Path served = IdxFixtures.write(tmp.resolve("served"), 30, 10);
		HttpServer server = serve(served);
		try {
			URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/");
			LabeledDataset dataset = source(tmp.resolve("absent"), false, true, url).load();
			assertThat(dataset.train().count()).isEqualTo(30);
			assertThat(tmp.resolve("data/datasets/fashion-mnist/train-images-idx3-ubyte.gz")).exists();
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void aFailedDownloadLeavesNoPartialFile() throws IOException {
		Path served = IdxFixtures.write(tmp.resolve("served"), 30, 10);
		Files.delete(served.resolve("t10k-labels-idx1-ubyte.gz"));
		HttpServer server = serve(served);
		try {
			URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/");
			assertThatThrownBy(() -> source(tmp.resolve("absent"), false, true, url).load())
				.isInstanceOf(DatasetUnavailableException.class)
				.hasMessageContaining("could not be downloaded")
				.hasMessageContaining("HTTP 404");
			try (Stream<Path> files = Files.list(tmp.resolve("data/datasets/fashion-mnist"))) {
				assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".part"))
					.doesNotContain("t10k-labels-idx1-ubyte.gz");
			}
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void theRealDatasetMatchesTheOfficialRelease() {
		LabeledDataset dataset = RealFashionMnist.load();
		assertThat(dataset.train().count()).isEqualTo(60_000);
		assertThat(dataset.test().count()).isEqualTo(10_000);
		assertThat(dataset.train().label(0)).as("the first training image is an ankle boot").isEqualTo(9);
		int[] perClass = new int[10];
		IntStream.range(0, 60_000).forEach(i -> perClass[dataset.train().label(i)]++);
		assertThat(perClass).containsOnly(6_000);
	}

	private FashionMnistSource source(Path dir, boolean verify, boolean download, URI url) {
		DatasetProperties.FashionMnist properties = new DatasetProperties.FashionMnist(dir, tmp.resolve("no-system"),
				verify, download, url != null ? url : URI.create("http://127.0.0.1:9/"), Duration.ofSeconds(10));
		return new FashionMnistSource(properties, tmp.resolve("data"), new Downloader());
	}

	private static HttpServer serve(Path dir) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/files/", exchange -> {
			Path file = dir.resolve(exchange.getRequestURI().getPath().substring("/files/".length()));
			if (!Files.isRegularFile(file)) {
				exchange.sendResponseHeaders(404, -1);
				exchange.close();
				return;
			}
			byte[] body = Files.readAllBytes(file);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return server;
	}

}
