package io.atelier.security;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/** Secure by default: with no keys configured, nothing but health answers, and the refusal says why. */
@WebMvcTest(controllers = SecurityConfigurationTests.Endpoints.class)
@ApiSecurity
@Import({ SimpleMeterRegistry.class, SecurityConfigurationTests.Endpoints.class })
class SecurityWithoutKeysTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void refusesEveryCallButHealthAndSaysHowToConfigureKeys() {
		for (MvcTestResult refused : new MvcTestResult[] { mvc.post().uri("/jobs").exchange(),
				mvc.put().uri("/models/default").exchange(), mvc.get().uri("/jobs").exchange(),
				mvc.post().uri("/predict").header("Authorization", "Bearer anything-at-all-anything-at-all").exchange() }) {
			assertThat(refused).hasStatus(HttpStatus.UNAUTHORIZED);
		}
		assertThat(mvc.post().uri("/jobs").exchange()).bodyJson()
			.extractingPath("$.detail")
			.asString()
			.contains("no API keys configured", "ATELIER_SECURITY_TRAINER_KEYS");
		assertThat(mvc.get().uri("/actuator/health/readiness").exchange()).hasStatusOk();
	}

}
