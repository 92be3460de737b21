package io.atelier.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

/**
 * Adam exactly as {@code torch.optim.Adam} computes it. DJL's {@code Adam} folds the bias correction
 * of the second moment into the learning rate and adds epsilon to the uncorrected root, which in
 * PyTorch's terms divides epsilon by sqrt(1 - beta2^t): at the first step it is 32 times larger,
 * enough to change the first batches' updates of parameters with small gradients. Passing
 * epsilon * sqrt(1 - beta2^t) to the same fused native update gives PyTorch's arithmetic.
 * <p>
 * Its state (both moments and the step count of every parameter) can be saved with a checkpoint and
 * restored, so that a resumed job continues exactly where it stopped. The schedule's factor is not
 * state: the run sets it from the epoch before the epoch's first step.
 * <p>
 * Weight decay is decoupled, as {@code torch.optim.AdamW} does it: before the Adam step each weight is
 * multiplied by 1 − rate × decay, rather than the decay being added to the gradient (which Adam's
 * scaling would undo for parameters with large gradients).
 */
public final class PyTorchAdam extends Optimizer {

	private static final float BETA1 = 0.9f;

	private static final float BETA2 = 0.999f;

	private static final float EPSILON = 1e-8f;

	private static final int STATE_FORMAT = 1;

	private static final int MAX_ARRAY_BYTES = 1 << 30;

	private final float baseRate;

	private final float weightDecay;

	private volatile float learningRate;

	private final Map<String, Integer> steps = new ConcurrentHashMap<>();

	private final Map<String, Map<ai.djl.Device, NDArray>> means = new ConcurrentHashMap<>();

	private final Map<String, Map<ai.djl.Device, NDArray>> variances = new ConcurrentHashMap<>();

	public PyTorchAdam(float learningRate) {
		this(learningRate, 0);
	}

	public PyTorchAdam(float learningRate, float weightDecay) {
		super(new Builder());
		this.baseRate = learningRate;
		this.learningRate = learningRate;
		this.weightDecay = weightDecay;
	}

	/** Steps from now on use {@code factor} times the base learning rate. */
	public void scaleLearningRate(double factor) {
		learningRate = (float) (baseRate * factor);
	}

	float learningRate() {
		return learningRate;
	}

	@Override
	public void update(String parameterId, NDArray weight, NDArray grad) {
		int step = steps.merge(parameterId, 1, Integer::sum);
		double correction1 = 1 - Math.pow(BETA1, step);
		double correction2 = 1 - Math.pow(BETA2, step);
		float correctedRate = (float) (learningRate * Math.sqrt(correction2) / correction1);
		float epsilon = (float) (EPSILON * Math.sqrt(correction2));
		if (weightDecay > 0) {
			weight.muli(1 - learningRate * weightDecay);
		}
		NDList inputs = new NDList(weight, grad,
				withDefaultState(means, parameterId, weight.getDevice(), key -> weight.zerosLike()),
				withDefaultState(variances, parameterId, weight.getDevice(), key -> weight.zerosLike()));
		weight.getNDArrayInternal()
			.adamUpdate(inputs, new NDList(weight), learningRate, correctedRate, 0, rescaleGrad, clipGrad, BETA1, BETA2,
					epsilon, true, false);
	}

	/** Writes every parameter's state under its name in the block; ids differ from process to process. */
	public void save(ParameterList parameters, DataOutputStream out) throws IOException {
		out.writeInt(STATE_FORMAT);
		out.writeInt(parameters.size());
		for (Pair<String, Parameter> parameter : parameters) {
			String id = parameter.getValue().getId();
			out.writeUTF(parameter.getKey());
			out.writeInt(steps.getOrDefault(id, 0));
			boolean started = means.containsKey(id);
			out.writeBoolean(started);
			if (started) {
				write(out, means.get(id).values().iterator().next());
				write(out, variances.get(id).values().iterator().next());
			}
		}
	}

	/** Restores what {@link #save} wrote, for the same architecture; arrays go to {@code manager}. */
	public void load(ParameterList parameters, DataInputStream in, NDManager manager) throws IOException {
		if (in.readInt() != STATE_FORMAT || in.readInt() != parameters.size()) {
			throw new IOException("The optimizer state does not match this network");
		}
		for (int i = 0; i < parameters.size(); i++) {
			String name = in.readUTF();
			Parameter parameter = parameters.get(name);
			if (parameter == null) {
				throw new IOException("The optimizer state names an unknown parameter: " + name);
			}
			String id = parameter.getId();
			steps.put(id, in.readInt());
			if (in.readBoolean()) {
				ai.djl.Device device = parameter.getArray().getDevice();
				means.put(id, new ConcurrentHashMap<>(Map.of(device, read(in, manager))));
				variances.put(id, new ConcurrentHashMap<>(Map.of(device, read(in, manager))));
			}
		}
	}

	private static void write(DataOutputStream out, NDArray array) throws IOException {
		byte[] bytes = array.encode();
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static NDArray read(DataInputStream in, NDManager manager) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > MAX_ARRAY_BYTES) {
			throw new IOException("The optimizer state is corrupt: an array of " + length + " bytes");
		}
		byte[] bytes = new byte[length];
		in.readFully(bytes);
		return manager.decode(bytes);
	}

	private static final class Builder extends OptimizerBuilder<Builder> {

		@Override
		protected Builder self() {
			return this;
		}

	}

}
