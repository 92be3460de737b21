package io.atelier.dashboard;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import io.atelier.AtelierClient;
import io.atelier.dataset.IdxFixtures;
import io.atelier.dataset.ImageFolderZips;
import io.atelier.testing.MultipartBody;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/** In the insecure local mode the dashboard asks for no key, says the service is open, and offers everything. */
class DashboardInsecureModeIntegrationTests {

	@TempDir
	static Path tmp;

	@AutoClose
	private static Dashboard dashboard;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 200, 100);
		dashboard = Dashboard.start(tmp, "--atelier.security.insecure-local-mode=true",
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false");
		browser = dashboard.browser();
	}

	@Test
	void theStartFormOffersEveryDatasetIncludingUploadedOnes() throws Exception {
		AtelierClient api = new AtelierClient(dashboard.base(), null);
		HttpResponse<String> uploaded = api.send(new MultipartBody().field("name", "shapes")
			.file("file", "shapes.zip", "application/zip", ImageFolderZips.shapes(3, 20, 20, 1))
			.post(api.uri("/datasets"))
			.build());
		assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
		browser.open("");
		browser.find("start-job");
		browser.waitFor(driver -> driver.findElements(By.cssSelector("#job-dataset option")).size() == 2);
		assertThat(browser.driver().findElements(By.cssSelector("#job-dataset option")))
			.extracting(option -> option.getDomProperty("value"))
			.containsExactly("fashion-mnist", "shapes");
		assertThat(browser.driver().findElement(By.id("job-dataset")).getDomProperty("value")).isEqualTo("fashion-mnist");
	}

	@Test
	void noKeyIsAskedAndEverythingIsOffered() {
		browser.open("");
		browser.find("start-job");
		assertThat(browser.all("api-key")).isEmpty();
		assertThat(browser.driver().findElement(By.id("caller")).getText()).isEqualTo("Insecure local mode");
		assertThat(browser.sessionStorage()).isEmpty();
		browser.open("#/models");
		browser.waitFor(driver -> driver.findElement(By.id("main")).getText().contains("No model yet"));
		assertThat(browser.consoleErrors()).noneMatch(message -> message.contains("Content Security Policy"));
	}

}
