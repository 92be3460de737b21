package io.atelier.security;

/** What a key may do; a trainer may also do all a predictor may. */
enum Role {

	TRAINER, PREDICTOR;

	String authority() {
		return "ROLE_" + name();
	}

	String label() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
