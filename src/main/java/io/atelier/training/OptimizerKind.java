package io.atelier.training;

import java.util.Locale;

/**
 * The optimizers a run can use. Their names in requests and records are the lower-case ids, which
 * {@link #toString()} gives, as JSON reads and writes enums.
 */
public enum OptimizerKind {

	ADAM, SGD;

	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

}
