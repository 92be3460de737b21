package io.atelier.network;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * {@code cnn-bn}: two stages of (conv 3×3 pad 1 → batch norm → ReLU) ×2, max-pool 2, dropout 0.25, with
 * 16 then 32 channels; flatten; linear 128, ReLU, dropout 0.5; linear to the classes. Convolutions
 * before a batch norm have no bias (the norm's shift makes it redundant, as in ResNet). Padding keeps
 * each stage's size, so any input of at least 4×4 works; the flattened size follows from the input
 * shape at initialisation. Batch norm uses PyTorch's defaults (momentum 0.1, epsilon 1e-5).
 * <p>
 * Its PyTorch reference module is {@code CnnBn} in {@code src/test/python/atelier_reference.py}: one
 * {@code nn.Sequential} called {@code layers} with the same layers in the same order.
 */
final class CnnBn {

	static final String NAME = "cnn-bn";

	/** 4 → pool 2 → pool 1. */
	static final int MINIMUM_SIDE = 4;

	private static final int[] STAGE_CHANNELS = { 16, 32 };

	private static final int HIDDEN = 128;

	static final Map<String, String> STATE_DICT_NAMES = stateDictNames();

	static final List<String> BATCH_COUNTERS = STATE_DICT_NAMES.values()
		.stream()
		.filter(name -> name.endsWith(".running_var"))
		.map(name -> name.replace(".running_var", ".num_batches_tracked"))
		.toList();

	private CnnBn() {
	}

	static SequentialBlock create(int classes) {
		SequentialBlock block = new SequentialBlock();
		for (int channels : STAGE_CHANNELS) {
			for (int i = 0; i < 2; i++) {
				block.add(Conv2d.builder()
					.setKernelShape(new Shape(3, 3))
					.optPadding(new Shape(1, 1))
					.setFilters(channels)
					.optBias(false)
					.build());
				block.add(BatchNorm.builder().build());
				block.add(Activation::relu);
			}
			block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
			block.add(Dropout.builder().optRate(0.25f).build());
		}
		return block.add(Blocks.batchFlattenBlock())
			.add(Linear.builder().setUnits(HIDDEN).build())
			.add(Activation::relu)
			.add(Dropout.builder().optRate(0.5f).build())
			.add(Linear.builder().setUnits(classes).build());
	}

	/**
	 * DJL names a sequential block's children by 1-based position and type; the reference module's
	 * {@code nn.Sequential} by 0-based position. Batch norm's running statistics are parameters on
	 * both sides, so they are exported and restored with the rest.
	 */
	private static Map<String, String> stateDictNames() {
		Map<String, String> names = new LinkedHashMap<>();
		int position = 0;
		for (Block child : create(10).getChildren().values()) {
			position++;
			String djl = String.format("%02d%s_", position, child.getClass().getSimpleName());
			String torch = "layers." + (position - 1) + ".";
			if (child instanceof Conv2d) {
				names.put(djl + "weight", torch + "weight");
			}
			else if (child instanceof BatchNorm) {
				names.put(djl + "gamma", torch + "weight");
				names.put(djl + "beta", torch + "bias");
				names.put(djl + "runningMean", torch + "running_mean");
				names.put(djl + "runningVar", torch + "running_var");
			}
			else if (child instanceof Linear) {
				names.put(djl + "weight", torch + "weight");
				names.put(djl + "bias", torch + "bias");
			}
		}
		return Collections.unmodifiableMap(names);
	}

}
