package io.atelier.network;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

/**
 * The networks Atelier can train, by the name clients use for them.
 */
public enum Architecture {

	SEED_CNN(SeedCnn.NAME),

	CNN_BN(CnnBn.NAME);

	private static final String ENGINE = "PyTorch";

	private final String id;

	Architecture(String id) {
		this.id = id;
	}

	public String id() {
		return id;
	}

	public static Optional<Architecture> byId(String id) {
		return Arrays.stream(values()).filter(a -> a.id.equals(id)).findFirst();
	}

	public static List<String> ids() {
		return Arrays.stream(values()).map(Architecture::id).toList();
	}

	/**
	 * The key in the PyTorch {@code state_dict} of this architecture's reference module of each of
	 * the block's parameters, by DJL parameter name, in the block's order.
	 */
	public Map<String, String> stateDictNames() {
		return switch (this) {
			case SEED_CNN -> SeedCnn.STATE_DICT_NAMES;
			case CNN_BN -> CnnBn.STATE_DICT_NAMES;
		};
	}

	/**
	 * The int64 {@code num_batches_tracked} buffers of the reference module's batch norms, which DJL does
	 * not keep: PyTorch reads them only with {@code momentum=None}, and the reference module uses 0.1.
	 */
	public List<String> batchCounters() {
		return switch (this) {
			case SEED_CNN -> List.of();
			case CNN_BN -> CnnBn.BATCH_COUNTERS;
		};
	}

	/**
	 * The smallest height and width of the images it takes: what is left after its convolutions and
	 * poolings must be a pixel at least.
	 */
	public int minimumSide() {
		return switch (this) {
			case SEED_CNN -> SeedCnn.MINIMUM_SIDE;
			case CNN_BN -> CnnBn.MINIMUM_SIDE;
		};
	}

	/** A new block whose parameters are not created yet (they are shaped on first initialisation). */
	public Block newBlock(int classes) {
		return switch (this) {
			case SEED_CNN -> SeedCnn.create(classes);
			case CNN_BN -> CnnBn.create(classes);
		};
	}

	/**
	 * A model holding this architecture, its parameters initialised from {@code seed} as PyTorch would.
	 * The caller owns the model and closes it.
	 */
	public Model newModel(int classes, Shape inputShape, long seed) {
		Block block = newBlock(classes);
		PyTorchDefaultInitializer initializer = new PyTorchDefaultInitializer(seed);
		block.setInitializer(initializer, Parameter.Type.WEIGHT);
		block.setInitializer(initializer, Parameter.Type.BIAS);
		Model model = Model.newInstance(id, ENGINE);
		try {
			model.setBlock(block);
			block.initialize(model.getNDManager(), model.getDataType(), inputShape);
			return model;
		}
		catch (RuntimeException ex) {
			model.close();
			throw ex;
		}
	}

	/** A model of this architecture, ready for parameters to be loaded into it. */
	public Model newEmptyModel(int classes) {
		Model model = Model.newInstance(id, ENGINE);
		model.setBlock(newBlock(classes));
		return model;
	}

}
