package io.atelier.security;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/** The documented escape hatch for a developer's own machine opens everything, and only when asked. */
@WebMvcTest(controllers = SecurityConfigurationTests.Endpoints.class)
@ApiSecurity
@Import({ SimpleMeterRegistry.class, SecurityConfigurationTests.Endpoints.class })
@TestPropertySource(properties = "atelier.security.insecure-local-mode=true")
class InsecureLocalModeTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void everyEndpointAnswersWithoutAKey() {
		assertThat(mvc.post().uri("/jobs").exchange()).hasStatusOk();
		assertThat(mvc.put().uri("/models/default").exchange()).hasStatusOk();
		assertThat(mvc.post().uri("/predict").exchange()).hasStatusOk();
	}

}
