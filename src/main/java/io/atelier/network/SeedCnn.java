package io.atelier.network;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The seed pipeline's network: conv 1→6 k5, relu, maxpool 2; conv 6→12 k5, relu, maxpool 2;
 * flatten 192; linear 120, relu; linear 60, relu; linear 10.
 */
final class SeedCnn {

	static final String NAME = "seed-cnn";

	private SeedCnn() {
	}

	static SequentialBlock create(int classes) {
		return new SequentialBlock()
			.add(conv(6))
			.add(Activation::relu)
			.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
			.add(conv(12))
			.add(Activation::relu)
			.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
			.add(Blocks.batchFlattenBlock())
			.add(Linear.builder().setUnits(120).build())
			.add(Activation::relu)
			.add(Linear.builder().setUnits(60).build())
			.add(Activation::relu)
			.add(Linear.builder().setUnits(classes).build());
	}

	private static Conv2d conv(int filters) {
		return Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(filters).build();
	}

}
