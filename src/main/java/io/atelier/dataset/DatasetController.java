package io.atelier.dataset;

import java.net.URI;
import java.util.List;

import lombok.RequiredArgsConstructor;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Datasets over HTTP: every one jobs can train on, and image folders uploaded as zip archives.
 */
@RestController
@RequestMapping("/datasets")
@RequiredArgsConstructor
class DatasetController {

	private final DatasetRegistry registry;

	private final DatasetUploads uploads;

	@GetMapping
	List<DatasetView> list() {
		return registry.names().stream().map(registry::view).toList();
	}

	@GetMapping("/{name}")
	DatasetView get(@PathVariable String name) {
		if (!registry.contains(name)) {
			throw DatasetProblems.notFound(name);
		}
		return registry.view(name);
	}

	@PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	ResponseEntity<DatasetView> create(@RequestPart(name = "file", required = false) MultipartFile file,
			@RequestParam(required = false) String name, @RequestParam(required = false) Integer height,
			@RequestParam(required = false) Integer width, @RequestParam(required = false) Integer channels,
			@RequestParam(required = false) Double testFraction, @RequestParam(required = false) Long seed) {
		DatasetView created = uploads.create(file,
				new ImageFolderImport.Request(name, height, width, channels, testFraction, seed));
		return ResponseEntity.created(URI.create("/datasets/" + created.name())).body(created);
	}

	@DeleteMapping("/{name}")
	ResponseEntity<Void> delete(@PathVariable String name) {
		uploads.delete(name);
		return ResponseEntity.noContent().build();
	}

}
