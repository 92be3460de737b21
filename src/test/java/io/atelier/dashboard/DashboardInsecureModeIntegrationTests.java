package io.atelier.dashboard;

import java.io.IOException;
import java.nio.file.Path;

import io.atelier.AtelierApplication;
import io.atelier.dataset.IdxFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** In the insecure local mode the dashboard asks for no key, says the service is open, and offers everything. */
class DashboardInsecureModeIntegrationTests {

	@TempDir
	static Path tmp;

	private static ConfigurableApplicationContext context;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		Path fixtures = IdxFixtures.write(tmp.resolve("fixtures"), 200, 100);
		context = new SpringApplicationBuilder(AtelierApplication.class).run("--server.port=0",
				"--atelier.security.insecure-local-mode=true", "--atelier.data-dir=" + tmp.resolve("data"),
				"--atelier.datasets.fashion-mnist.dir=" + fixtures,
				"--atelier.datasets.fashion-mnist.system-dir=" + tmp.resolve("absent"),
				"--atelier.datasets.fashion-mnist.verify-checksums=false");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		browser = Browser.start(tmp.resolve("profile"), "http://localhost:" + port);
	}

	@AfterAll
	static void stop() {
		if (browser != null) {
			browser.close();
		}
		if (context != null) {
			context.close();
		}
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
