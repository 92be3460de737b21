package io.atelier.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

/**
 * Checks a presented key against the configured ones and those of the keys file. Only SHA-256 digests
 * are kept, and every digest is compared in constant time, all of them every time, so neither the time
 * taken nor an early exit tells a caller how close a guess was, or which key matched.
 */
class ApiKeyAuthenticationProvider implements AuthenticationProvider {

	static final int MINIMUM_KEY_LENGTH = 32;

	private final List<KnownKey> keys = new ArrayList<>();

	/** Replaced whole when the keys file changes; a request sees either the old keys or the new. */
	private volatile List<KnownKey> fileKeys = List.of();

	ApiKeyAuthenticationProvider(SecurityProperties properties) {
		add(properties.trainerKeys(), Role.TRAINER);
		add(properties.predictorKeys(), Role.PREDICTOR);
	}

	/** Takes the keys file's keys in place of those it held before. */
	void useFileKeys(List<KeysFile.Entry> entries) {
		fileKeys = entries.stream()
			.map(entry -> new KnownKey(entry.role().label() + "-file-line-" + entry.line(), entry.role(),
					sha256(entry.key())))
			.toList();
	}

	private void add(List<String> configured, Role role) {
		for (int i = 0; i < configured.size(); i++) {
			String name = role.label() + "-" + (i + 1);
			if (configured.get(i).strip().length() < MINIMUM_KEY_LENGTH) {
				// The message names the key by position: a key must never reach a log.
				throw new IllegalStateException("API key " + name + " (atelier.security." + role.label()
						+ "-keys[" + i + "]) is shorter than " + MINIMUM_KEY_LENGTH
						+ " characters; generate one with: openssl rand -hex 32");
			}
			keys.add(new KnownKey(name, role, sha256(configured.get(i).strip())));
		}
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		byte[] presented = sha256(String.valueOf(authentication.getCredentials()));
		KnownKey match = null;
		for (KnownKey key : keys) {
			if (MessageDigest.isEqual(key.digest(), presented)) {
				match = key;
			}
		}
		for (KnownKey key : fileKeys) {
			if (MessageDigest.isEqual(key.digest(), presented)) {
				match = key;
			}
		}
		if (match == null) {
			throw new BadCredentialsException("The API key is not valid.");
		}
		return new PreAuthenticatedAuthenticationToken(match.name(), null,
				AuthorityUtils.createAuthorityList(match.role().authority()));
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return PreAuthenticatedAuthenticationToken.class.isAssignableFrom(authentication);
	}

	private static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	private record KnownKey(String name, Role role, byte[] digest) {
	}

}
