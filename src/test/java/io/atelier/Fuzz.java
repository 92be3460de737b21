package io.atelier;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded mutation fuzzing for the property tests of hostile input: every case derives from one seed,
 * printed with any failure, so a failing case can be replayed with {@code -Datelier.fuzz.seed=...}.
 * {@code -Datelier.fuzz.cases=N} runs more cases than the default.
 */
public final class Fuzz {

	private static final int[] INTERESTING = { 0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000 };

	private final long seed;

	private final Random random;

	public Fuzz() {
		String given = System.getProperty("atelier.fuzz.seed");
		this.seed = given != null ? Long.parseLong(given) : new Random().nextLong();
		this.random = new Random(seed);
	}

	public static int cases(int byDefault) {
		return Integer.getInteger("atelier.fuzz.cases", byDefault);
	}

	public long seed() {
		return seed;
	}

	public Random random() {
		return random;
	}

	/** A few random edits of {@code original}: bit flips, overwrites, interesting integers, cuts, splices. */
	public byte[] mutate(byte[] original) {
		byte[] bytes = original.clone();
		int edits = 1 + random.nextInt(4);
		for (int i = 0; i < edits && bytes.length > 0; i++) {
			int at = random.nextInt(bytes.length);
			switch (random.nextInt(6)) {
				case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
				case 1 -> bytes[at] = (byte) random.nextInt(256);
				case 2 -> putInt(bytes, at, INTERESTING[random.nextInt(INTERESTING.length)]);
				case 3 -> bytes = Arrays.copyOf(bytes, at);
				case 4 -> bytes = splice(bytes, at, randomBytes(1 + random.nextInt(64)));
				default -> {
					int from = random.nextInt(bytes.length);
					int length = Math.min(bytes.length - from, 1 + random.nextInt(256));
					bytes = splice(bytes, at, Arrays.copyOfRange(bytes, from, from + length));
				}
			}
		}
		return bytes;
	}

	public byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static void putInt(byte[] bytes, int at, int value) {
		for (int i = 0; i < 4 && at + i < bytes.length; i++) {
			bytes[at + i] = (byte) (value >>> (24 - 8 * i));
		}
	}

	private static byte[] splice(byte[] bytes, int at, byte[] insert) {
		byte[] result = new byte[bytes.length + insert.length];
		System.arraycopy(bytes, 0, result, 0, at);
		System.arraycopy(insert, 0, result, at, insert.length);
		System.arraycopy(bytes, at, result, at + insert.length, bytes.length - at);
		return result;
	}

}
