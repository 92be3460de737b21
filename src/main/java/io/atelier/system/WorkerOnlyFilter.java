package io.atelier.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import lombok.RequiredArgsConstructor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In the {@code worker} role, the only endpoints are actuator's (health for Kubernetes' probes,
 * Prometheus): an API request sent to a worker by mistake is told where to go, before security asks
 * for a key it would not need.
 */
@RequiredArgsConstructor
class WorkerOnlyFilter extends OncePerRequestFilter {

	private final JsonMapper json;

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return path.equals("/actuator") || path.startsWith("/actuator/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		ProblemDetail problem = Problems.detail(HttpStatus.NOT_FOUND, "Not served by a worker",
				"This process runs training jobs only (atelier.role=worker) and serves /actuator/health and "
						+ "/actuator/prometheus; send API requests to an API replica.");
		response.setStatus(HttpStatus.NOT_FOUND.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(json.writeValueAsBytes(problem));
	}

}
