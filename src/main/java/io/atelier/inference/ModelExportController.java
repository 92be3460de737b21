package io.atelier.inference;

import io.atelier.system.JobId;
import io.atelier.system.Problems;
import lombok.RequiredArgsConstructor;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Models out of Atelier, in a format PyTorch reads.
 */
@RestController
@RequiredArgsConstructor
class ModelExportController {

	private static final String SAFETENSORS = "safetensors";

	private final ModelExporter exporter;

	@GetMapping("/models/{modelId}/export")
	ResponseEntity<byte[]> export(@PathVariable @JobId String modelId,
			@RequestParam(defaultValue = SAFETENSORS) String format) {
		if (!SAFETENSORS.equals(format)) {
			throw Problems.error(HttpStatus.BAD_REQUEST, "Unsupported export format",
					"format '" + format + "' is not supported; use format=" + SAFETENSORS + ".");
		}
		byte[] file = exporter.safetensors(modelId);
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename(modelId + "." + SAFETENSORS).build().toString())
			.body(file);
	}

}
