package io.atelier.inference;

import java.io.IOException;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Times every prediction request as the client sees it, errors included, with histogram buckets at
 * latencies an SLO would name, so that p99 can be computed in PromQL.
 */
@Component
class PredictionMetricsFilter extends OncePerRequestFilter {

	private static final Duration[] BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
			Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5) };

	private final MeterRegistry registry;

	PredictionMetricsFilter(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/predict");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long start = System.nanoTime();
		try {
			chain.doFilter(request, response);
		}
		finally {
			int status = response.getStatus();
			Timer.builder("atelier.predict.duration")
				.description("Prediction requests from arrival to response, by endpoint, outcome and status class")
				.tag("endpoint", request.getRequestURI().endsWith("/batch") ? "batch" : "single")
				.tag("outcome", status < 400 ? "success" : status < 500 ? "client_error" : "server_error")
				.tag("status", (status / 100) + "xx")
				.serviceLevelObjectives(BUCKETS)
				.register(registry)
				.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
		}
	}

}
