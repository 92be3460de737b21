package io.atelier.network;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ArchitectureTests {

	private static final Shape INPUT = new Shape(1, 1, 28, 28);

	@Test
	void seedCnnHasTheSeedPipelinesParameterCount() {
		try (Model model = Architecture.SEED_CNN.newModel(10, INPUT, 0)) {
			assertThat(parameterCount(model)).isEqualTo(32_998);
		}
	}

	@Test
	void seedCnnShapesEachLayerAsTheSeedDoes() {
		Block block = Architecture.SEED_CNN.newBlock(10);
		try (NDManager manager = NDManager.newBaseManager()) {
			block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(7, 1, 28, 28));
			Shape[] shapes = { new Shape(7, 1, 28, 28) };
			java.util.List<Shape> outputs = new java.util.ArrayList<>();
			for (Pair<String, Block> layer : block.getChildren()) {
				shapes = layer.getValue().getOutputShapes(shapes);
				outputs.add(shapes[0]);
			}
			assertThat(outputs).containsExactly(new Shape(7, 6, 24, 24), new Shape(7, 6, 24, 24),
					new Shape(7, 6, 12, 12), new Shape(7, 12, 8, 8), new Shape(7, 12, 8, 8), new Shape(7, 12, 4, 4),
					new Shape(7, 192), new Shape(7, 120), new Shape(7, 120), new Shape(7, 60), new Shape(7, 60),
					new Shape(7, 10));
		}
	}

	@Test
	void forwardGivesOneScorePerClass() {
		try (Model model = Architecture.SEED_CNN.newModel(10, INPUT, 0);
				NDManager manager = model.getNDManager().newSubManager()) {
			NDArray input = manager.zeros(new Shape(5, 1, 28, 28));
			NDArray output = model.getBlock()
				.forward(new ParameterStore(manager, false), new NDList(input), false)
				.singletonOrThrow();
			assertThat(output.getShape()).isEqualTo(new Shape(5, 10));
		}
	}

	@Test
	void initialisesLikePyTorchWithinOneOverSqrtFanIn() {
		try (Model model = Architecture.SEED_CNN.newModel(10, INPUT, 7)) {
			long[] fanIns = { 25, 25, 150, 150, 192, 192, 120, 120, 60, 60 };
			int i = 0;
			for (Parameter parameter : model.getBlock().getParameters().values()) {
				double bound = 1 / Math.sqrt(fanIns[i++]);
				NDArray values = parameter.getArray();
				assertThat(values.abs().max().getFloat()).as(parameter.getName()).isLessThanOrEqualTo((float) bound)
					.isGreaterThan((float) (bound * 0.5));
			}
			assertThat(i).isEqualTo(10);
		}
	}

	@Test
	void theSameSeedGivesTheSameParametersAndAnotherSeedDifferentOnes() {
		try (Model a = Architecture.SEED_CNN.newModel(10, INPUT, 1);
				Model b = Architecture.SEED_CNN.newModel(10, INPUT, 1);
				Model c = Architecture.SEED_CNN.newModel(10, INPUT, 2)) {
			NDArray first = a.getBlock().getParameters().valueAt(0).getArray();
			assertThat(first.toFloatArray()).containsExactly(b.getBlock().getParameters().valueAt(0).getArray().toFloatArray());
			assertThat(first.toFloatArray()).isNotEqualTo(c.getBlock().getParameters().valueAt(0).getArray().toFloatArray());
		}
	}

	@Test
	void knowsArchitecturesByTheirIds() {
		assertThat(Architecture.byId("seed-cnn")).contains(Architecture.SEED_CNN);
		assertThat(Architecture.byId("resnet")).isEmpty();
		assertThat(Architecture.byId("cnn-bn")).contains(Architecture.CNN_BN);
		assertThat(Architecture.ids()).containsExactly("seed-cnn", "cnn-bn");
	}

	@Test
	void seedCnnNamesEachParameterAsThePyTorchReferenceModuleDoesWithItsShape() {
		try (Model model = Architecture.SEED_CNN.newModel(10, INPUT, 0)) {
			java.util.Map<String, Shape> shapes = new java.util.LinkedHashMap<>();
			for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
				shapes.put(Architecture.SEED_CNN.stateDictNames().get(parameter.getKey()),
						parameter.getValue().getArray().getShape());
			}
			assertThat(shapes).containsExactly(java.util.Map.entry("conv1.weight", new Shape(6, 1, 5, 5)),
					java.util.Map.entry("conv1.bias", new Shape(6)), java.util.Map.entry("conv2.weight", new Shape(12, 6, 5, 5)),
					java.util.Map.entry("conv2.bias", new Shape(12)), java.util.Map.entry("fc1.weight", new Shape(120, 192)),
					java.util.Map.entry("fc1.bias", new Shape(120)), java.util.Map.entry("fc2.weight", new Shape(60, 120)),
					java.util.Map.entry("fc2.bias", new Shape(60)), java.util.Map.entry("out.weight", new Shape(10, 60)),
					java.util.Map.entry("out.bias", new Shape(10)));
		}
	}

	@Test
	void cnnBnNamesItsParametersAsItsPyTorchReferenceModule() {
		// The keys of CnnBn().state_dict() in src/test/python/atelier_reference.py: parameters, then batch counts.
		assertThat(Architecture.CNN_BN.stateDictNames().values()).containsExactly("layers.0.weight",
				"layers.1.weight", "layers.1.bias", "layers.1.running_mean", "layers.1.running_var", "layers.3.weight",
				"layers.4.weight", "layers.4.bias", "layers.4.running_mean", "layers.4.running_var", "layers.8.weight",
				"layers.9.weight", "layers.9.bias", "layers.9.running_mean", "layers.9.running_var",
				"layers.11.weight", "layers.12.weight", "layers.12.bias", "layers.12.running_mean",
				"layers.12.running_var", "layers.17.weight", "layers.17.bias", "layers.20.weight", "layers.20.bias");
		assertThat(Architecture.CNN_BN.batchCounters()).containsExactly("layers.1.num_batches_tracked",
				"layers.4.num_batches_tracked", "layers.9.num_batches_tracked", "layers.12.num_batches_tracked");
		assertThat(Architecture.SEED_CNN.batchCounters()).isEmpty();
		try (Model model = Architecture.CNN_BN.newModel(10, INPUT, 0)) {
			assertThat(model.getBlock().getParameters().keys())
				.containsExactlyElementsOf(Architecture.CNN_BN.stateDictNames().keySet());
			assertThat(parameterCount(model)).isEqualTo(218_778);
		}
	}

	@Test
	void cnnBnTakesAnyInputShapeAndDropsOutOnlyWhenTraining() {
		Shape rgb = new Shape(1, 3, 20, 36);
		try (Model model = Architecture.CNN_BN.newModel(4, rgb, 0);
				NDManager manager = model.getNDManager().newSubManager()) {
			NDArray input = manager.randomUniform(0, 1, new Shape(6, 3, 20, 36));
			ParameterStore store = new ParameterStore(manager, false);
			NDArray first = model.getBlock().forward(store, new NDList(input), false).singletonOrThrow();
			NDArray second = model.getBlock().forward(store, new NDList(input), false).singletonOrThrow();
			NDArray training = model.getBlock().forward(store, new NDList(input), true).singletonOrThrow();
			assertThat(first.getShape()).isEqualTo(new Shape(6, 4));
			assertThat(first.toFloatArray()).isEqualTo(second.toFloatArray());
			assertThat(training.toFloatArray()).isNotEqualTo(first.toFloatArray());
		}
		assertThat(Architecture.CNN_BN.minimumSide()).isEqualTo(4);
	}

	/** The values of every parameter DJL lists, batch norm's running statistics among them. */
	private static long parameterCount(Model model) {
		return model.getBlock()
			.getParameters()
			.values()
			.stream()
			.mapToLong(parameter -> parameter.getArray().size())
			.sum();
	}

}
