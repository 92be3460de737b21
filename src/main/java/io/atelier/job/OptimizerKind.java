package io.atelier.job;

import com.fasterxml.jackson.annotation.JsonValue;

enum OptimizerKind {

	ADAM, SGD;

	@JsonValue
	String id() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
