package io.atelier.system;

import java.util.regex.Pattern;

/**
 * What a job id may look like. Ids also name folders on the volume, so anything that could climb out
 * of one ({@code ..}, slashes) is never an id.
 */
public final class JobIds {

	public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";

	private static final Pattern COMPILED = Pattern.compile(PATTERN);

	private JobIds() {
	}

	public static boolean isValid(String id) {
		return id != null && COMPILED.matcher(id).matches();
	}

}
