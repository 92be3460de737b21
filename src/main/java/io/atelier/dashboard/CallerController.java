package io.atelier.dashboard;

import java.util.List;

import io.atelier.security.SecurityProperties;
import lombok.RequiredArgsConstructor;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.CurrentSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who is calling and what they may do, so that a client (the dashboard) shows only what works for
 * its key instead of learning it from 403s. Open to anyone: it reveals nothing but the caller's own
 * role and whether keys are needed.
 */
@RestController
@RequiredArgsConstructor
class CallerController {

	private static final List<String> PREDICTOR = List.of("read", "predict");

	private static final List<String> TRAINER = List.of("read", "predict", "train", "pin-default");

	private final SecurityProperties security;

	@GetMapping("/me")
	Caller me(@CurrentSecurityContext SecurityContext context) {
		boolean keysConfigured = !security.trainerKeys().isEmpty() || !security.predictorKeys().isEmpty();
		if (security.insecureLocalMode()) {
			return new Caller("trainer", false, keysConfigured, true, TRAINER);
		}
		Authentication authentication = context.getAuthentication();
		List<String> authorities = authentication == null ? List.of()
				: authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
		if (authorities.contains("ROLE_TRAINER")) {
			return new Caller("trainer", true, true, false, TRAINER);
		}
		if (authorities.contains("ROLE_PREDICTOR")) {
			return new Caller("predictor", true, true, false, PREDICTOR);
		}
		return new Caller(null, true, keysConfigured, false, List.of());
	}

	/**
	 * @param role {@code trainer}, {@code predictor}, or null when no valid key was sent
	 * @param keyRequired whether calls need an API key
	 * @param keysConfigured whether the service has any key at all (without, it refuses everything)
	 * @param insecureLocalMode whether every endpoint is open to anyone
	 * @param may what the caller may do: {@code read}, {@code predict}, {@code train} (start and
	 * cancel jobs), {@code pin-default}
	 */
	record Caller(String role, boolean keyRequired, boolean keysConfigured, boolean insecureLocalMode,
			List<String> may) {
	}

}
