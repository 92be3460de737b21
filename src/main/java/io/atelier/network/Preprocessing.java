package io.atelier.network;

/**
 * The one definition of how an 8-bit grayscale image becomes network input, shared by training and
 * inference: pixels scaled to [0,1] as torchvision's {@code ToTensor} does, laid out as N×1×H×W.
 */
public final class Preprocessing {

	private static final float[] SCALE = new float[256];

	static {
		for (int i = 0; i < SCALE.length; i++) {
			SCALE[i] = i / 255f;
		}
	}

	private Preprocessing() {
	}

	/** Scales {@code count} unsigned bytes of {@code pixels}, starting at {@code from}, into {@code into} at {@code at}. */
	public static void scale(byte[] pixels, int from, int count, float[] into, int at) {
		for (int i = 0; i < count; i++) {
			into[at + i] = SCALE[pixels[from + i] & 0xFF];
		}
	}

}
