package io.atelier.inference;

import java.util.List;

import jakarta.validation.Valid;

import io.atelier.system.JobId;
import io.atelier.system.Problems;
import lombok.RequiredArgsConstructor;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The model registry's names: aliases that {@code model=} accepts wherever an id is, switched
 * atomically, and the removal of models no alias names.
 */
@RestController
@RequiredArgsConstructor
class ModelAliasController {

	private final ModelRegistry models;

	@GetMapping("/models/aliases")
	List<Alias> aliases() {
		return models.aliases().entrySet().stream().map(alias -> new Alias(alias.getKey(), alias.getValue())).toList();
	}

	@PutMapping("/models/aliases/{alias}")
	Alias alias(@PathVariable @JobId String alias, @Valid @RequestBody Target target) {
		if (target.modelId() == null || target.modelId().isBlank()) {
			throw Problems.error(HttpStatus.BAD_REQUEST, "Invalid request", "modelId is required.");
		}
		return new Alias(alias, models.alias(alias, target.modelId()).jobId());
	}

	@DeleteMapping("/models/aliases/{alias}")
	ResponseEntity<Void> unalias(@PathVariable @JobId String alias) {
		models.unalias(alias);
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/models/{modelId}")
	ResponseEntity<Void> delete(@PathVariable @JobId String modelId) {
		models.delete(modelId);
		return ResponseEntity.noContent().build();
	}

	record Alias(String alias, String modelId) {
	}

	record Target(@JobId String modelId) {
	}

}
