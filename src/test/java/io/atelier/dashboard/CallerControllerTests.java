package io.atelier.dashboard;

import io.atelier.security.ApiKeys;
import io.atelier.security.ApiSecurity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static io.atelier.security.ApiKeys.PREDICTOR;
import static io.atelier.security.ApiKeys.TRAINER;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /me tells a caller its role, and the dashboard's own files are open to all, under a strict CSP. */
@WebMvcTest(CallerController.class)
@ApiSecurity
@Import(SimpleMeterRegistry.class)
@ApiKeys
class CallerControllerTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void withoutAKeyTheCallerIsToldThatOneIsNeeded() {
		MvcTestResult result = mvc.get().uri("/me").exchange();
		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().isEqualTo("""
				{"role": null, "keyRequired": true, "keysConfigured": true, "insecureLocalMode": false, "may": []}""");
	}

	@Test
	void aPredictorKeyMayReadAndPredictOnly() {
		MvcTestResult result = mvc.get().uri("/me").header("Authorization", "Bearer " + PREDICTOR).exchange();
		assertThat(result).bodyJson().extractingPath("$.role").isEqualTo("predictor");
		assertThat(result).bodyJson().extractingPath("$.may").asArray().containsExactly("read", "predict");
	}

	@Test
	void aTrainerKeyMayDoEverything() {
		MvcTestResult result = mvc.get().uri("/me").header("Authorization", "Bearer " + TRAINER).exchange();
		assertThat(result).bodyJson().extractingPath("$.role").isEqualTo("trainer");
		assertThat(result).bodyJson().extractingPath("$.may").asArray()
			.containsExactly("read", "predict", "train", "pin-default");
	}

	@Test
	void anUnknownKeyIsRefusedSoThePageCanAskAgain() {
		assertThat(mvc.get().uri("/me").header("Authorization", "Bearer " + TRAINER + "x").exchange())
			.hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void theDashboardsFilesNeedNoKeyAndCarryAStrictContentSecurityPolicy() {
		for (String path : new String[] { "/index.html", "/dashboard/app.js", "/dashboard/app.css",
				"/webjars/uplot/dist/uPlot.iife.min.js" }) {
			MvcTestResult result = mvc.get().uri(path).exchange();
			assertThat(result).as(path).hasStatusOk();
			assertThat(result.getResponse().getHeader("Content-Security-Policy")).as(path)
				.contains("default-src 'none'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'")
				.doesNotContain("unsafe-inline", "unsafe-eval");
		}
		assertThat(mvc.get().uri("/").exchange()).hasStatusOk();
	}

	@Test
	void theDashboardHasNoInlineScriptOrStyle() throws Exception {
		String page = mvc.get().uri("/index.html").exchange().getResponse().getContentAsString();
		assertThat(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("style=", "<style", "onclick=",
				"onload=");
	}

	@Nested
	@TestPropertySource(properties = { "atelier.security.trainer-keys=", "atelier.security.predictor-keys=",
			"atelier.security.insecure-local-mode=true" })
	class InInsecureLocalMode {

		@Test
		void everyoneIsATrainerAndNoKeyIsAsked() {
			MvcTestResult result = mvc.get().uri("/me").exchange();
			assertThat(result).bodyJson().isEqualTo("""
					{"role": "trainer", "keyRequired": false, "keysConfigured": false, "insecureLocalMode": true,
					 "may": ["read", "predict", "train", "pin-default"]}""");
		}

	}

}
