package io.atelier.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PyTorchAdamTests {

	/** torch.optim.Adam's update, step by step, in doubles. */
	private static double[] torchAdam(double weight, double[] gradients, double rate) {
		double m = 0;
		double v = 0;
		double[] weights = new double[gradients.length];
		for (int t = 1; t <= gradients.length; t++) {
			double g = gradients[t - 1];
			m = 0.9 * m + 0.1 * g;
			v = 0.999 * v + 0.001 * g * g;
			double denominator = Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
			weight -= rate / (1 - Math.pow(0.9, t)) * m / denominator;
			weights[t - 1] = weight;
		}
		return weights;
	}

	@Test
	void updatesAsTorchOptimAdamDoesEvenForTinyGradients() {
		double[] gradients = { 2e-7, -1e-7, 3e-7, 0.5, -0.25 };
		double[] expected = torchAdam(0.3, gradients, 0.01);
		PyTorchAdam adam = new PyTorchAdam(0.01f);
		try (NDManager manager = NDManager.newBaseManager()) {
			NDArray weight = manager.create(new float[] { 0.3f });
			for (int t = 0; t < gradients.length; t++) {
				try (NDManager step = manager.newSubManager()) {
					adam.update("w", weight, step.create(new float[] { (float) gradients[t] }));
				}
				assertThat(weight.getFloat(0)).as("after step %d", t + 1).isCloseTo((float) expected[t], within(2e-6f));
			}
		}
	}

}
