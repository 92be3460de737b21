package io.atelier.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.atelier.network.Architecture;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.CheckpointStore;
import io.atelier.system.Problems;
import lombok.RequiredArgsConstructor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Writes a model out in PyTorch's terms: the {@code state_dict} of the architecture's reference
 * module, with what is needed to use it (classes, input) in the file's metadata. Batch norm's
 * {@code num_batches_tracked} are there too, so that the module loads with {@code strict=True}.
 */
@Service
@RequiredArgsConstructor
class ModelExporter {

	/** How pixels become input; the same rule as {@link io.atelier.network.Preprocessing}. */
	static final String PIXEL_SCALE = "1/255";

	private final ModelRegistry models;

	private final CheckpointStore store;

	private final JsonMapper json;

	byte[] safetensors(String modelId) {
		ModelRegistry.Entry stored = models.stored(modelId).orElseThrow(() -> ModelProblems.unknownModel(modelId));
		if (stored.isTorchScript()) {
			throw Problems.error(HttpStatus.CONFLICT, "Model has no state_dict",
					"Model '" + modelId + "' was imported as TorchScript, which is not an architecture Atelier knows: "
							+ "it has no state_dict to export. The archive uploaded is the model.");
		}
		Checkpoint checkpoint = stored.checkpoint();
		CheckpointMetadata metadata = stored.metadata();
		Architecture architecture = Architecture.byId(metadata.architecture()).orElseThrow();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			Safetensors.write(out, stateDict(architecture, checkpoint, metadata), describe(modelId, metadata), json);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	private List<Safetensors.Tensor> stateDict(Architecture architecture, Checkpoint checkpoint,
			CheckpointMetadata metadata) {
		Map<String, String> names = architecture.stateDictNames();
		try (Model model = architecture.newEmptyModel(metadata.classNames().size())) {
			store.loadParameters(checkpoint, model.getBlock(), model.getNDManager());
			List<Safetensors.Tensor> tensors = new ArrayList<>();
			for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
				NDArray values = parameter.getValue().getArray();
				tensors.add(new Safetensors.Tensor(names.get(parameter.getKey()), values.getShape().getShape(),
						values.toFloatArray()));
			}
			// Atelier does not count batches; 0 is what a module that never trained holds.
			architecture.batchCounters()
				.forEach(counter -> tensors.add(Safetensors.Tensor.int64(counter, new long[0], 0L)));
			return tensors;
		}
	}

	private Map<String, String> describe(String modelId, CheckpointMetadata metadata) {
		CheckpointMetadata.Input input = metadata.inputOrDefault();
		Map<String, Object> inputDefinition = new LinkedHashMap<>();
		inputDefinition.put("channels", input.channels());
		inputDefinition.put("height", input.height());
		inputDefinition.put("width", input.width());
		inputDefinition.put("scale", PIXEL_SCALE);
		inputDefinition.put("invertLight", input.invertsLight());
		Map<String, String> described = new LinkedHashMap<>();
		described.put("format", "pt");
		described.put("architecture", metadata.architecture());
		described.put("classNames", json.writeValueAsString(metadata.classNames()));
		described.put("input", json.writeValueAsString(inputDefinition));
		described.put("modelId", modelId);
		described.put("epoch", Integer.toString(metadata.epoch()));
		return described;
	}

}
