package io.atelier.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The keys file's format: one {@code role:key} a line, the role {@code trainer} or {@code predictor};
 * blank lines and lines starting with {@code #} are skipped, spaces around either part too. A role may
 * have several keys, so that a new one can be added, handed out, and the old one removed later.
 * Errors name the line, never its key.
 */
final class KeysFile {

	private KeysFile() {
	}

	/**
	 * @throws InvalidException if any line is not a valid key, or the file is empty, as a file caught
	 * halfway through being written would be
	 */
	static List<Entry> parse(String content) {
		if (content.isBlank()) {
			throw new InvalidException("it is empty; to revoke every key it holds, leave a comment line in it");
		}
		List<Entry> entries = new ArrayList<>();
		String[] lines = content.split("\\R", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			int colon = line.indexOf(':');
			if (colon < 0) {
				throw new InvalidException("line " + (i + 1) + " is not 'role:key'");
			}
			Role role = role(line.substring(0, colon).strip(), i + 1);
			String key = line.substring(colon + 1).strip();
			if (key.length() < ApiKeyAuthenticationProvider.MINIMUM_KEY_LENGTH) {
				throw new InvalidException("the key on line " + (i + 1) + " is shorter than "
						+ ApiKeyAuthenticationProvider.MINIMUM_KEY_LENGTH + " characters");
			}
			entries.add(new Entry(role, key, i + 1));
		}
		return entries;
	}

	private static Role role(String name, int line) {
		for (Role role : Role.values()) {
			if (role.label().equals(name.toLowerCase(Locale.ROOT))) {
				return role;
			}
		}
		throw new InvalidException("line " + line + " names no role: it starts with 'trainer:' or 'predictor:'");
	}

	/**
	 * One key of the file.
	 *
	 * @param role what it may do
	 * @param key the key itself
	 * @param line where it is, which names it
	 */
	record Entry(Role role, String key, int line) {

		/** The generated text would hold the key. */
		@Override
		public String toString() {
			return "Entry[role=" + role + ", line=" + line + "]";
		}

	}

	/** Why a keys file was not taken; the message never holds a key. */
	static final class InvalidException extends RuntimeException {

		InvalidException(String message) {
			super(message);
		}

	}

}
