package io.atelier.inference;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import io.atelier.store.CheckpointMetadata;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Open Inference Protocol (KServe V2) over REST, so that KServe, Triton's clients, Seldon and
 * perf_analyzer can use Atelier unchanged. A model's name is its id, an alias, or {@code default} for
 * the model {@code /predict} uses when none is named; its one version is its id.
 */
@RestController
class OpenInferenceController {

	static final String DEFAULT = "default";

	static final String HEADER_LENGTH = "Inference-Header-Content-Length";

	private final PredictionService predictions;

	private final ModelRegistry models;

	private final InferenceProperties properties;

	private final ApplicationAvailability availability;

	private final ObjectMapper json;

	private final long maxBody;

	OpenInferenceController(PredictionService predictions, ModelRegistry models, InferenceProperties properties,
			ApplicationAvailability availability, ObjectMapper json,
			@Value("${spring.servlet.multipart.max-request-size:256MB}") DataSize maxBody) {
		this.predictions = predictions;
		this.models = models;
		this.properties = properties;
		this.availability = availability;
		this.json = json;
		this.maxBody = Math.min(maxBody.toBytes(), Integer.MAX_VALUE - 16);
	}

	@GetMapping("/v2")
	Map<String, Object> server() {
		String version = getClass().getPackage().getImplementationVersion();
		return Map.of("name", "atelier", "version", version == null ? "development" : version, "extensions",
				List.of("classification", "binary_tensor_data"));
	}

	@GetMapping("/v2/health/live")
	Map<String, Object> live() {
		return Map.of("live", true);
	}

	@GetMapping("/v2/health/ready")
	ResponseEntity<Map<String, Object>> ready() {
		boolean ready = availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
		return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("ready", ready));
	}

	@GetMapping({ "/v2/models/{name}", "/v2/models/{name}/versions/{version}" })
	Map<String, Object> metadata(@PathVariable String name, @PathVariable(required = false) String version) {
		ModelSummary model = resolve(name, version);
		CheckpointMetadata.Input input = models.stored(model.jobId())
			.map(entry -> entry.metadata().inputOrDefault())
			.orElse(CheckpointMetadata.FASHION_MNIST_INPUT);
		return Map.of("name", name, "versions", List.of(model.jobId()), "platform", "pytorch_libtorch", "inputs",
				List.of(Map.of("name", OpenInferenceImages.INPUT, "datatype", "FP32", "shape",
						List.of(-1, input.channels(), input.height(), input.width()))),
				"outputs", List.of(Map.of("name", OpenInferenceResponse.OUTPUT, "datatype", "FP32", "shape",
						List.of(-1, model.classNames().size()))));
	}

	/** Ready once loaded for serving: asking loads it, so a readiness check also warms it. */
	@GetMapping({ "/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}/ready" })
	Map<String, Object> modelReady(@PathVariable String name, @PathVariable(required = false) String version) {
		ModelSummary model = resolve(name, version);
		models.borrow(model.jobId()).close();
		return Map.of("name", name, "ready", true);
	}

	@PostMapping({ "/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer" })
	ResponseEntity<byte[]> infer(@PathVariable String name, @PathVariable(required = false) String version,
			@RequestHeader(name = HEADER_LENGTH, required = false) Long headerLength, HttpServletRequest request)
			throws IOException {
		ModelSummary summary = resolve(name, version);
		OpenInferenceRequest inference = OpenInferenceRequest.parse(readLimited(request), headerLength, json);
		OpenInferenceResponse response;
		try (ServingModel.Lease lease = models.borrow(summary.jobId())) {
			ServingModel model = lease.model();
			ServingModel.Images images = new OpenInferenceImages(predictions, properties, model)
				.read(inference.inputs());
			float[][] probabilities = predictions.probabilities(model, images);
			response = OpenInferenceResponse.of(name, model.jobId(), inference, probabilities, model.classNames(),
					json);
		}
		if (response.headerLength() == null) {
			return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(response.body());
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header(HEADER_LENGTH, response.headerLength().toString())
			.body(response.body());
	}

	private ModelSummary resolve(String name, String version) {
		ModelSummary model = models.find(name)
			.orElseThrow(() -> new OpenInferenceException(HttpStatus.NOT_FOUND, DEFAULT.equals(name)
					? "No model has been trained yet, so there is no default model."
					: "No model named '" + name + "'; GET /models lists them."));
		if (version != null && !version.equals(model.jobId())) {
			throw new OpenInferenceException(HttpStatus.NOT_FOUND,
					"Model '" + name + "' has one version, '" + model.jobId() + "', not '" + version + "'.");
		}
		return model;
	}

	private byte[] readLimited(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > maxBody) {
			throw tooLarge();
		}
		try (InputStream body = request.getInputStream()) {
			byte[] bytes = body.readNBytes(Math.toIntExact(maxBody + 1));
			if (bytes.length > maxBody) {
				throw tooLarge();
			}
			return bytes;
		}
	}

	private OpenInferenceException tooLarge() {
		return new OpenInferenceException(HttpStatus.CONTENT_TOO_LARGE,
				"The request is larger than the limit of " + maxBody + " bytes.");
	}


}
