package io.atelier.system;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker answers only actuator's endpoints; anything else is sent to an API replica. */
class WorkerOnlyFilterTests {

	private final WorkerOnlyFilter filter = new WorkerOnlyFilter(JsonMapper.builder().build());

	@Test
	void healthAndPrometheusPassThrough() throws Exception {
		for (String path : new String[] { "/actuator/health/readiness", "/actuator/prometheus" }) {
			MockFilterChain chain = new MockFilterChain();
			filter.doFilter(new MockHttpServletRequest("GET", path), new MockHttpServletResponse(), chain);
			assertThat(chain.getRequest()).as(path).isNotNull();
		}
	}

	@Test
	void anApiRequestIsANotFoundProblemThatSaysWhereToGo() throws Exception {
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("POST", "/jobs"), response, chain);
		assertThat(chain.getRequest()).as("not passed on").isNull();
		assertThat(response.getStatus()).isEqualTo(404);
		assertThat(response.getContentType()).isEqualTo("application/problem+json");
		assertThat(response.getContentAsString()).contains("atelier.role=worker").contains("API replica");
	}

	@Test
	void aPathThatOnlyStartsLikeActuatorIsNotLetThrough() throws Exception {
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("GET", "/actuatorx/jobs"), response, chain);
		assertThat(response.getStatus()).isEqualTo(404);
	}

}
