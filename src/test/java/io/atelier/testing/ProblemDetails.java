package io.atelier.testing;

import org.assertj.core.api.AbstractStringAssert;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on RFC 9457 answers in MockMvc slices. */
public final class ProblemDetails {

	private ProblemDetails() {
	}

	/** Asserts a problem+json answer with {@code status}, and returns its detail to assert on. */
	public static AbstractStringAssert<?> assertProblem(MvcTestResult result, HttpStatus status) {
		assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return assertThat(result).bodyJson().extractingPath("$.detail").asString();
	}

}
