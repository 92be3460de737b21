package io.atelier.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * Adds uploaded image-folder datasets and deletes them. An upload is read and written in a staging
 * folder, outside any lock; only its publication takes the registry's change lock. Whatever goes
 * wrong, the staging folder, with the archive, is removed.
 */
@Service
class DatasetUploads {

	/** Names also name folders on the volume, so nothing that could climb out of one is a name. */
	static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

	private static final String ARCHIVE = "upload.zip";

	private final DatasetRegistry registry;

	private final StoredDatasets stored;

	private final ImageFolderImport importer;

	private final ObjectProvider<DatasetUsage> usages;

	DatasetUploads(DatasetRegistry registry, StoredDatasets stored, DatasetProperties properties,
			ObjectProvider<DatasetUsage> usages) {
		this.registry = registry;
		this.stored = stored;
		this.importer = new ImageFolderImport(properties.uploads());
		this.usages = usages;
	}

	DatasetView create(MultipartFile archive, ImageFolderImport.Request request) {
		if (request.name() == null || !NAME.matcher(request.name()).matches()) {
			throw DatasetProblems.badRequest("name must be 1 to 64 letters, digits, '-' or '_', starting with a "
					+ "letter or digit; got " + (request.name() == null ? "none" : "'" + request.name() + "'") + ".");
		}
		if (archive == null || archive.isEmpty()) {
			throw DatasetProblems.badRequest("Send the zip archive in a multipart field named 'file'.");
		}
		if (registry.contains(request.name())) {
			throw DatasetProblems.nameTaken(request.name());
		}
		Path staging = null;
		try {
			staging = stored.stage();
			Path zip = staging.resolve(ARCHIVE);
			archive.transferTo(zip);
			DatasetView view = importer.run(zip, staging, request);
			java.nio.file.Files.delete(zip);
			Path ready = staging;
			boolean added = registry.add(request.name(), () -> commit(ready, view));
			if (!added) {
				throw DatasetProblems.nameTaken(request.name());
			}
			staging = null;
			return view;
		}
		catch (IOException ex) {
			throw DatasetProblems.volume("store the dataset", ex);
		}
		finally {
			if (staging != null) {
				StoredDatasets.deleteQuietly(staging);
			}
		}
	}

	void delete(String name) {
		registry.remove(name, () -> {
			List<String> jobs = usages.orderedStream().flatMap(usage -> usage.activeJobs(name).stream()).toList();
			if (!jobs.isEmpty()) {
				throw DatasetProblems.inUse(name, jobs);
			}
		}, () -> {
			try {
				stored.delete(name);
			}
			catch (IOException ex) {
				throw DatasetProblems.volume("delete dataset '" + name + "'", ex);
			}
		});
	}

	private DatasetSource commit(Path staging, DatasetView view) {
		try {
			return stored.commit(staging, view) ? new UploadedSource(view, stored) : null;
		}
		catch (IOException ex) {
			throw DatasetProblems.volume("store the dataset", ex);
		}
	}

}
