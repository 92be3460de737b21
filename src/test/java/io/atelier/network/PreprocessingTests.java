package io.atelier.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PreprocessingTests {

	@Test
	void scalesUnsignedBytesToTheUnitIntervalAsToTensorDoes() {
		byte[] pixels = { 0, 1, (byte) 128, (byte) 255 };
		float[] into = new float[6];
		Preprocessing.scale(pixels, 1, 3, into, 2);
		assertThat(into[0]).isZero();
		assertThat(into[2]).isCloseTo(1 / 255f, within(1e-7f));
		assertThat(into[3]).isCloseTo(128 / 255f, within(1e-7f));
		assertThat(into[4]).isEqualTo(1f);
	}

}
