package io.atelier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AtelierApplication {

	static {
		// DJL otherwise contacts its download servers at start-up; libtorch ships inside the jar.
		System.setProperty("ai.djl.offline", "true");
	}

	public static void main(String[] args) {
		SpringApplication.run(AtelierApplication.class, args);
	}

}
