package io.atelier.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.optimizer.Optimizer;

/**
 * Adam exactly as {@code torch.optim.Adam} computes it. DJL's {@code Adam} folds the bias correction
 * of the second moment into the learning rate and adds epsilon to the uncorrected root, which in
 * PyTorch's terms divides epsilon by sqrt(1 - beta2^t): at the first step it is 32 times larger,
 * enough to change the first batches' updates of parameters with small gradients. Passing
 * epsilon * sqrt(1 - beta2^t) to the same fused native update gives PyTorch's arithmetic.
 */
final class PyTorchAdam extends Optimizer {

	private static final float BETA1 = 0.9f;

	private static final float BETA2 = 0.999f;

	private static final float EPSILON = 1e-8f;

	private final float learningRate;

	private final Map<String, Map<ai.djl.Device, NDArray>> means = new ConcurrentHashMap<>();

	private final Map<String, Map<ai.djl.Device, NDArray>> variances = new ConcurrentHashMap<>();

	PyTorchAdam(float learningRate) {
		super(new Builder());
		this.learningRate = learningRate;
	}

	@Override
	public void update(String parameterId, NDArray weight, NDArray grad) {
		int step = updateCount(parameterId);
		double correction1 = 1 - Math.pow(BETA1, step);
		double correction2 = 1 - Math.pow(BETA2, step);
		float correctedRate = (float) (learningRate * Math.sqrt(correction2) / correction1);
		float epsilon = (float) (EPSILON * Math.sqrt(correction2));
		NDList inputs = new NDList(weight, grad,
				withDefaultState(means, parameterId, weight.getDevice(), key -> weight.zerosLike()),
				withDefaultState(variances, parameterId, weight.getDevice(), key -> weight.zerosLike()));
		weight.getNDArrayInternal()
			.adamUpdate(inputs, new NDList(weight), learningRate, correctedRate, 0, rescaleGrad, clipGrad, BETA1, BETA2,
					epsilon, true, false);
	}

	private static final class Builder extends OptimizerBuilder<Builder> {

		@Override
		protected Builder self() {
			return this;
		}

	}

}
