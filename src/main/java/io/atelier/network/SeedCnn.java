package io.atelier.network;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The seed pipeline's network: conv 1→6 k5, relu, maxpool 2; conv 6→12 k5, relu, maxpool 2;
 * flatten 192; linear 120, relu; linear 60, relu; linear 10. Those numbers are for Fashion-MNIST's
 * 1×28×28 images and 10 classes: the first convolution takes the images' channels, the flattened size
 * follows from their height and width (12·⌊(⌊(h−4)/2⌋−4)/2⌋·…), and the last layer has one output per
 * class, all fixed when the block is initialised with the dataset's input shape.
 */
final class SeedCnn {

	static final String NAME = "seed-cnn";

	/** 16 → conv 12 → pool 6 → conv 2 → pool 1. */
	static final int MINIMUM_SIDE = 16;

	/**
	 * DJL names a sequential block's parameters by position and layer type; PyTorch's reference module
	 * ({@code Network} of the seed pipeline) by attribute. Weight layouts are the same on both sides.
	 */
	static final Map<String, String> STATE_DICT_NAMES = stateDictNames();

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

	private static Map<String, String> stateDictNames() {
		Map<String, String> names = new LinkedHashMap<>();
		String[][] layers = { { "01Conv2d", "conv1" }, { "04Conv2d", "conv2" }, { "08Linear", "fc1" },
				{ "10Linear", "fc2" }, { "12Linear", "out" } };
		for (String[] layer : layers) {
			names.put(layer[0] + "_weight", layer[1] + ".weight");
			names.put(layer[0] + "_bias", layer[1] + ".bias");
		}
		return Collections.unmodifiableMap(names);
	}

	private static Conv2d conv(int filters) {
		return Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(filters).build();
	}

}
