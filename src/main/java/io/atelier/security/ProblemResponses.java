package io.atelier.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.atelier.system.Problems;
import lombok.RequiredArgsConstructor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * 401 and 403 as problem+json, rendered by the same advice as every other error, with the
 * {@code WWW-Authenticate} challenge RFC 6750 asks for. Under {@code /v2} they take the Open Inference
 * Protocol's {@code {"error": "..."}} form instead, since its clients (Triton's, KServe's) read that field.
 */
@RequiredArgsConstructor
class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

	private static final String REALM = "Bearer realm=\"atelier\"";

	private static final RequestMatcher OPEN_INFERENCE = PathPatternRequestMatcher.withDefaults().matcher("/v2/**");

	private final HandlerExceptionResolver resolver;

	private final SecurityProperties properties;

	private final JsonMapper json;

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) {
		if (exception instanceof BadCredentialsException) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"invalid_token\"");
			render(request, response, HttpStatus.UNAUTHORIZED, "Invalid API key",
					"The API key is not valid. Send a configured key as 'Authorization: Bearer <key>'.");
			return;
		}
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, REALM);
		String detail = properties.hasKeys()
				? "This endpoint needs an API key: send it as 'Authorization: Bearer <key>'."
				: "This service has no API keys configured, so it refuses every call but health. Set "
						+ "ATELIER_SECURITY_TRAINER_KEYS (and ATELIER_SECURITY_PREDICTOR_KEYS), or ATELIER_SECURITY_KEYS_FILE, "
						+ "and restart it.";
		render(request, response, HttpStatus.UNAUTHORIZED, "API key required", detail);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception) {
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
		render(request, response, HttpStatus.FORBIDDEN, "Not allowed for this key",
				"This key's role may read jobs and models and predict. Starting or cancelling jobs and "
						+ "pinning the default model take a trainer key.");
	}

	private void render(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
			String detail) {
		if (OPEN_INFERENCE.matches(request)) {
			response.setStatus(status.value());
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			try {
				json.writeValue(response.getOutputStream(), Map.of("error", title + ". " + detail));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return;
		}
		resolver.resolveException(request, response, null, Problems.error(status, title, detail));
	}

}
