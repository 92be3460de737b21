package io.atelier.dashboard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.atelier.AtelierApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A real Atelier on a free port with its data under a test's directory, and a browser pointed at it. */
record Dashboard(ConfigurableApplicationContext context, String base, Browser browser) implements AutoCloseable {

	/** Checks for a browser first, so that a laptop without one skips before starting the service. */
	static Dashboard start(Path dir, String... arguments) {
		Browser.requireBrowser();
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--atelier.data-dir=" + dir.resolve("data")));
		all.addAll(List.of(arguments));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(AtelierApplication.class)
			.run(all.toArray(String[]::new));
		String base = "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
		try {
			return new Dashboard(context, base, Browser.start(dir.resolve("profile"), base));
		}
		catch (RuntimeException ex) {
			context.close();
			throw ex;
		}
	}

	@Override
	public void close() {
		try {
			browser.close();
		}
		finally {
			context.close();
		}
	}

}
