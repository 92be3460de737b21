package io.atelier.network;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * Draws every weight and bias from uniform(±1/sqrt(fan_in)), which is what PyTorch's Conv2d and
 * Linear do by default (kaiming_uniform with a=sqrt(5) reduces to that bound), so runs are comparable
 * with the seed. A bias has no fan-in of its own: DJL initialises each layer's weight just before its
 * bias, so the bias takes the fan-in of the weight seen last. Values come from a seeded Java generator
 * rather than the engine's global RNG, which concurrent jobs would share.
 */
final class PyTorchDefaultInitializer implements Initializer {

	private final Random random;

	private long fanIn = 1;

	PyTorchDefaultInitializer(long seed) {
		this.random = new Random(seed);
	}

	@Override
	public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
		if (shape.dimension() > 1) {
			fanIn = shape.size() / shape.get(0);
		}
		float bound = (float) (1.0 / Math.sqrt(fanIn));
		float[] values = new float[Math.toIntExact(shape.size())];
		for (int i = 0; i < values.length; i++) {
			values[i] = (random.nextFloat() * 2 - 1) * bound;
		}
		return manager.create(values, shape).toType(dataType, false);
	}

}
