package io.atelier.inference;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.atelier.network.Architecture;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.ModelCatalog;
import lombok.RequiredArgsConstructor;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * Takes in a PyTorch {@code state_dict} saved as safetensors, every tensor checked against the
 * architecture's reference module, or a TorchScript archive: a dry-run forward pass, and only then
 * written to the volume, whole, and registered. A file that fails any check leaves nothing behind.
 */
@Service
@RequiredArgsConstructor
class ModelImporter {

	private static final long SEED = 0;

	/** More than one image, so that a module that only ever answers one row is caught. */
	private static final int DRY_RUN_BATCH = 2;

	private final ModelRegistry models;

	private final ModelCatalog catalog;

	private final JsonMapper json;

	/**
	 * What the uploader declared; each absent part is taken from the file's metadata (as Atelier's own
	 * export writes it), the input else defaulting to 1×28×28.
	 */
	record Declared(String architecture, String classNames, String name, Integer channels, Integer height,
			Integer width) {
	}

	/** A TorchScript archive or a safetensors {@code state_dict}, told apart by the file's first bytes. */
	ModelSummary importModel(byte[] file, Declared declared) {
		return TorchScript.isZip(file) ? importTorchScript(file, declared) : importSafetensors(file, declared);
	}

	/**
	 * A TorchScript module: loaded from the upload in the serving engine for a dry run, written to the
	 * volume as uploaded once it passes, and from then on loaded from there.
	 */
	private ModelSummary importTorchScript(byte[] file, Declared declared) {
		TorchScript.Archive archive = TorchScript.inspect(file);
		if (declared.architecture() != null && !TorchScript.ARCHITECTURE.equals(declared.architecture())) {
			throw ModelProblems.invalidImport("A TorchScript archive carries its own network: leave architecture out "
					+ "(it was '" + declared.architecture() + "').");
		}
		if (declared.classNames() == null) {
			throw ModelProblems.invalidImport("classNames is required for a TorchScript archive: a JSON array of the "
					+ "class names by output index.");
		}
		List<String> classNames = classNames(declared, Map.of());
		CheckpointMetadata.Input input = input(declared, Map.of());
		String id = UUID.randomUUID().toString();
		try (Model model = TorchScript.load(new ByteArrayInputStream(file), archive)) {
			dryRun(model, new Shape(DRY_RUN_BATCH, input.channels(), input.height(), input.width()), classNames.size());
		}
		catalog.saveImportedTorchScript(id, file, new CheckpointMetadata(id, 0, TorchScript.ARCHITECTURE, null,
				classNames, input, null, null, Instant.now(), declared.name()));
		models.rescan();
		return models.find(id).orElseThrow();
	}

	private ModelSummary importSafetensors(byte[] file, Declared declared) {
		Safetensors.Contents contents = readSafetensors(file);
		Architecture architecture = architecture(declared, contents.metadata());
		List<String> classNames = classNames(declared, contents.metadata());
		CheckpointMetadata.Input input = input(declared, contents.metadata());
		String id = UUID.randomUUID().toString();
		Shape inputShape = new Shape(DRY_RUN_BATCH, input.channels(), input.height(), input.width());
		try (Model model = newModel(architecture, classNames.size(), inputShape)) {
			loadStateDict(model, architecture, contents);
			dryRun(model, inputShape, classNames.size());
			catalog.saveImported(id, model.getBlock(), new CheckpointMetadata(id, 0, architecture.id(), null, classNames,
					input, null, null, Instant.now(), declared.name()));
		}
		models.rescan();
		return models.find(id).orElseThrow();
	}

	private Safetensors.Contents readSafetensors(byte[] file) {
		try {
			return Safetensors.read(file, json);
		}
		catch (Safetensors.FormatException ex) {
			throw ModelProblems.unsupportedFile(ex.getMessage());
		}
	}

	private static Architecture architecture(Declared declared, Map<String, String> metadata) {
		String id = declared.architecture() != null ? declared.architecture() : metadata.get("architecture");
		if (id == null) {
			throw ModelProblems.invalidImport("architecture is required, one of " + Architecture.ids() + ".");
		}
		return Architecture.byId(id)
			.orElseThrow(() -> ModelProblems
				.invalidImport("architecture '" + id + "' is unknown; it is one of " + Architecture.ids() + "."));
	}

	private List<String> classNames(Declared declared, Map<String, String> metadata) {
		String names = declared.classNames() != null ? declared.classNames() : metadata.get("classNames");
		if (names == null) {
			throw ModelProblems.invalidImport("classNames is required: a JSON array of the class names by output index.");
		}
		List<String> parsed;
		try {
			parsed = json.readValue(names, new TypeReference<List<String>>() {
			});
		}
		catch (JacksonException ex) {
			parsed = null;
		}
		if (parsed == null || parsed.isEmpty() || parsed.stream().anyMatch(n -> n == null || n.isBlank())) {
			throw ModelProblems.invalidImport("classNames must be a JSON array of non-blank strings, such as "
					+ "[\"cat\", \"dog\"].");
		}
		return List.copyOf(parsed);
	}

	private CheckpointMetadata.Input input(Declared declared, Map<String, String> metadata) {
		CheckpointMetadata.Input described = CheckpointMetadata.FASHION_MNIST_INPUT;
		if (metadata.containsKey("input")) {
			JsonNode input = parseInput(metadata.get("input"));
			if (!ModelExporter.PIXEL_SCALE.equals(input.path("scale").asString(ModelExporter.PIXEL_SCALE))) {
				throw ModelProblems.invalidModel("The file's input scale '" + input.path("scale").asString()
						+ "' is not supported; pixels are scaled by " + ModelExporter.PIXEL_SCALE + ".", List.of());
			}
			described = new CheckpointMetadata.Input(input.path("channels").asInt(described.channels()),
					input.path("height").asInt(described.height()), input.path("width").asInt(described.width()),
					input.path("invertLight").isBoolean() ? input.path("invertLight").asBoolean() : null);
		}
		CheckpointMetadata.Input input = new CheckpointMetadata.Input(
				or(declared.channels(), described.channels()), or(declared.height(), described.height()),
				or(declared.width(), described.width()), described.invertLight());
		if ((input.channels() != 1 && input.channels() != 3) || input.height() < 1 || input.width() < 1
				|| input.height() > 4096 || input.width() > 4096) {
			throw ModelProblems.invalidImport("The input must be 1 channel (grayscale) or 3 (RGB) of 1 to 4096 pixels "
					+ "each way; it was " + input.channels() + "×" + input.height() + "×" + input.width() + ".");
		}
		return input;
	}

	private JsonNode parseInput(String input) {
		try {
			return json.readTree(input);
		}
		catch (JacksonException ex) {
			throw ModelProblems.invalidImport("The file's metadata 'input' is not JSON.");
		}
	}

	private static Model newModel(Architecture architecture, int classes, Shape inputShape) {
		try {
			return architecture.newModel(classes, inputShape, SEED);
		}
		catch (RuntimeException ex) {
			throw ModelProblems.invalidModel("Architecture " + architecture.id() + " cannot take input "
					+ inputShape.slice(1) + ": " + ex.getMessage(), List.of());
		}
	}

	/**
	 * Every tensor of the file into its parameter, after every name, dtype, shape and range is checked.
	 * Batch norm's {@code num_batches_tracked}, which PyTorch saves and Atelier does not keep, may be
	 * there or not; its value is not used.
	 */
	private static void loadStateDict(Model model, Architecture architecture, Safetensors.Contents contents) {
		Map<String, String> names = architecture.stateDictNames();
		Map<String, Parameter> expected = new LinkedHashMap<>();
		for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
			expected.put(names.get(parameter.getKey()), parameter.getValue());
		}
		List<Map<String, Object>> errors = new ArrayList<>();
		expected.forEach((name, parameter) -> {
			Safetensors.Entry entry = contents.tensors().get(name);
			long[] shape = parameter.getArray().getShape().getShape();
			if (entry == null) {
				errors.add(tensorError(name, "missing; expected shape " + Arrays.toString(shape), null, shape));
			}
			else if (!Arrays.equals(entry.shape(), shape)) {
				errors.add(tensorError(name, "has shape " + Arrays.toString(entry.shape()) + ", expected "
						+ Arrays.toString(shape), entry.shape(), shape));
			}
			else if (!Safetensors.FLOAT32.equals(entry.dtype())) {
				errors.add(tensorError(name, "is " + entry.dtype() + ", expected " + Safetensors.FLOAT32, entry.shape(),
						shape));
			}
			else if (entry.end() - entry.begin() != entry.elements() * Float.BYTES || entry.begin() > entry.end()
					|| entry.end() > contents.data().capacity()) {
				errors.add(tensorError(name, "has data_offsets [" + entry.begin() + ", " + entry.end()
						+ "] that do not hold its shape within the file", entry.shape(), shape));
			}
		});
		List<String> counters = architecture.batchCounters();
		contents.tensors().forEach((name, entry) -> {
			if (counters.contains(name)) {
				if (!Safetensors.INT64.equals(entry.dtype()) || entry.elements() != 1) {
					errors.add(tensorError(name, "is " + entry.dtype() + " of shape " + Arrays.toString(entry.shape())
							+ ", expected one " + Safetensors.INT64 + " (a batch count)", entry.shape(), new long[0]));
				}
			}
			else if (!expected.containsKey(name)) {
				errors.add(tensorError(name, "is not part of " + architecture.id() + "; shape "
						+ Arrays.toString(entry.shape()), entry.shape(), null));
			}
		});
		if (!errors.isEmpty()) {
			throw ModelProblems.invalidModel("The state_dict does not match " + architecture.id() + ": tensor "
					+ errors.get(0).get("tensor") + " " + errors.get(0).get("message") + ".", errors);
		}
		expected.forEach((name, parameter) -> parameter.getArray()
			.set(contents.floats(contents.tensors().get(name))));
	}

	private static Map<String, Object> tensorError(String tensor, String message, long[] shape, long[] expected) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("tensor", tensor);
		error.put("message", message);
		error.put("shape", shape);
		error.put("expectedShape", expected);
		return error;
	}

	/** The model must give one finite row of scores over the classes for each image, and nothing else. */
	private static void dryRun(Model model, Shape inputShape, int classes) {
		Shape expected = new Shape(inputShape.get(0), classes);
		try (NDManager manager = model.getNDManager().newSubManager()) {
			NDArray input = manager.randomUniform(0, 1, inputShape);
			NDList outputs = forward(model, manager, input);
			if (outputs.size() != 1) {
				throw ModelProblems.invalidModel("A dry run gave " + outputs.size() + " outputs for input " + inputShape
						+ "; expected one tensor of shape " + expected + ".", List.of());
			}
			NDArray output = outputs.singletonOrThrow();
			if (!output.getShape().equals(expected)) {
				throw ModelProblems.invalidModel("A dry run gave output of shape " + output.getShape()
						+ " for input " + inputShape + "; expected " + expected + " (images, classes) for "
						+ classes + " classNames.", List.of());
			}
			if (output.getDataType() != DataType.FLOAT32) {
				throw ModelProblems.invalidModel("A dry run gave output of type " + output.getDataType()
						+ "; expected float32 scores.", List.of());
			}
			if (!output.isInfinite().logicalOr(output.isNaN()).none().getBoolean()) {
				throw ModelProblems.invalidModel("A dry run gave output that is not finite: the parameters hold "
						+ "NaN or infinite values.", List.of());
			}
		}
	}

	/** What the module makes of the input; a module that fails on it does not fit the declared input. */
	private static NDList forward(Model model, NDManager manager, NDArray input) {
		try {
			return model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false);
		}
		catch (EngineException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException ex) {
			throw ModelProblems.invalidModel("A dry run on input " + input.getShape() + " failed: "
					+ TorchScript.firstLine(String.valueOf(ex.getMessage())), List.of());
		}
	}

	private static int or(Integer value, int fallback) {
		return value != null ? value : fallback;
	}

}
