package io.atelier.inference;

import java.io.IOException;
import java.net.URI;

import lombok.RequiredArgsConstructor;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Models into Atelier: a PyTorch {@code state_dict} as safetensors or a TorchScript archive, served like a
 * trained model. Uploading runs the uploader's TorchScript in the engine, so it takes the trainer role.
 */
@RestController
@RequiredArgsConstructor
class ModelImportController {

	private static final int MAX_NAME = 200;

	private final ModelImporter importer;

	private final ModelProperties properties;

	@PostMapping(path = "/models", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	ResponseEntity<ModelSummary> upload(@RequestPart(name = "file", required = false) MultipartFile file,
			@RequestParam(required = false) String architecture, @RequestParam(required = false) String classNames,
			@RequestParam(required = false) String name, @RequestParam(required = false) Integer channels,
			@RequestParam(required = false) Integer height, @RequestParam(required = false) Integer width)
			throws IOException {
		if (file == null || file.isEmpty()) {
			throw ModelProblems.invalidImport("Send the model in a multipart field named 'file'.");
		}
		long limit = properties.maxUploadSize().toBytes();
		if (file.getSize() > limit) {
			throw ModelProblems.uploadTooLarge(limit);
		}
		if (name != null && (name.isBlank() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl))) {
			throw ModelProblems.invalidImport("name must be 1 to " + MAX_NAME + " characters without control characters.");
		}
		ModelSummary model = importer.importModel(file.getBytes(),
				new ModelImporter.Declared(architecture, classNames, name, channels, height, width));
		return ResponseEntity.created(URI.create("/models/" + model.jobId())).body(model);
	}

}
