package io.atelier.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

/** {@code Authorization: Bearer <key>} (RFC 6750); any other request goes on as anonymous. */
class BearerKeyConverter implements AuthenticationConverter {

	private static final String SCHEME = "bearer ";

	@Override
	public Authentication convert(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
			return null;
		}
		return new PreAuthenticatedAuthenticationToken("api-key", header.substring(SCHEME.length()).strip());
	}

}
