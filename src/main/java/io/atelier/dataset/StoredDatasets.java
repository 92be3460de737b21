package io.atelier.dataset;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

/**
 * Uploaded datasets on the data volume, one folder each under {@code datasets/uploads/}: the four IDX
 * tensors and {@code dataset.json}. A dataset is built in a hidden staging folder and renamed into
 * place whole, and removed by renaming it away first, so a reader finds it complete or not at all;
 * what a crash leaves in hidden folders is removed at the next start.
 */
final class StoredDatasets {

	static final String METADATA = "dataset.json";

	private static final String STAGING = ".staging-";

	private static final String DELETING = ".deleting-";

	private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64L;

	private static final Logger log = LoggerFactory.getLogger(StoredDatasets.class);

	private final Path root;

	private final JsonMapper json;

	StoredDatasets(Path dataDir, JsonMapper json) {
		this.root = dataDir.resolve("datasets").resolve("uploads");
		this.json = json;
	}

	/** Removes what interrupted uploads and deletions left, and answers the datasets that are stored. */
	List<DatasetView> open() {
		List<DatasetView> views = new ArrayList<>();
		if (!Files.isDirectory(root)) {
			return views;
		}
		try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
			for (Path folder : folders) {
				String name = folder.getFileName().toString();
				if (name.startsWith(STAGING) || name.startsWith(DELETING)) {
					deleteQuietly(folder);
				}
				else if (Files.isRegularFile(folder.resolve(METADATA))) {
					try {
						views.add(json.readValue(folder.resolve(METADATA).toFile(), DatasetView.class));
					}
					catch (RuntimeException ex) {
						log.warn("Ignoring dataset folder {}: its {} cannot be read ({})", folder, METADATA,
								ex.getMessage());
					}
				}
			}
		}
		catch (IOException ex) {
			throw new DatasetUnavailableException("Cannot list the uploaded datasets in " + root + ": "
					+ ex.getMessage(), ex);
		}
		return views;
	}

	/** A new, empty staging folder; the caller commits it or deletes it. */
	Path stage() throws IOException {
		Files.createDirectories(root);
		return Files.createDirectory(root.resolve(STAGING + UUID.randomUUID()));
	}

	/** Publishes a staged dataset under its name in one rename; false if the name is taken on the volume. */
	boolean commit(Path staging, DatasetView view) throws IOException {
		Path target = root.resolve(view.name());
		if (Files.exists(target)) {
			return false;
		}
		Path metadata = staging.resolve(METADATA);
		Files.write(metadata, json.writeValueAsBytes(view), StandardOpenOption.CREATE_NEW);
		sync(metadata);
		sync(staging);
		try {
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (FileSystemException ex) {
			// Linux says "Directory not empty", not FileAlreadyExistsException, when another process won.
			if (Files.exists(target)) {
				return false;
			}
			throw ex;
		}
		sync(root);
		return true;
	}

	void delete(String name) throws IOException {
		Path folder = root.resolve(name);
		if (!Files.exists(folder)) {
			return;
		}
		Path away = root.resolve(DELETING + UUID.randomUUID());
		Files.move(folder, away, StandardCopyOption.ATOMIC_MOVE);
		sync(root);
		deleteQuietly(away);
	}

	boolean isComplete(String name) {
		Path folder = root.resolve(name);
		return List.of(METADATA, ImageFolderImport.TRAIN_IMAGES, ImageFolderImport.TRAIN_LABELS,
				ImageFolderImport.TEST_IMAGES, ImageFolderImport.TEST_LABELS)
			.stream()
			.allMatch(file -> Files.isRegularFile(folder.resolve(file)));
	}

	LabeledDataset load(DatasetView view) {
		Path folder = root.resolve(view.name());
		try {
			ImageSet train = imageSet(folder.resolve(ImageFolderImport.TRAIN_IMAGES),
					folder.resolve(ImageFolderImport.TRAIN_LABELS), view);
			ImageSet test = imageSet(folder.resolve(ImageFolderImport.TEST_IMAGES),
					folder.resolve(ImageFolderImport.TEST_LABELS), view);
			return new LabeledDataset(view.name(), view.classes(), train, test, LabeledDataset.Kind.IMAGE_FOLDER);
		}
		catch (IOException | IdxFormatException ex) {
			throw new DatasetUnavailableException("Dataset '" + view.name() + "' in " + folder
					+ " cannot be read: " + ex.getMessage() + ". Delete it and upload it again.", ex);
		}
	}

	private static ImageSet imageSet(Path imagesFile, Path labelsFile, DatasetView view) throws IOException {
		IdxReader.Images images = IdxReader.images(IdxReader.read(imagesFile, MAX_FILE_BYTES), imagesFile.toString());
		byte[] labels = IdxReader.labels(IdxReader.read(labelsFile, MAX_FILE_BYTES), labelsFile.toString());
		DatasetView.Input input = view.input();
		if (images.count() != labels.length || images.channels() != input.channels()
				|| images.rows() != input.height() || images.cols() != input.width()) {
			throw new IdxFormatException(imagesFile + " and " + labelsFile + " do not match " + METADATA);
		}
		for (byte label : labels) {
			if ((label & 0xFF) >= view.classes().size()) {
				throw new IdxFormatException(labelsFile + " has label " + (label & 0xFF) + " beyond the classes");
			}
		}
		return new ImageSet(images.count(), images.channels(), images.rows(), images.cols(), images.pixels(), labels);
	}

	private static void sync(Path path) {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems cannot open or sync a folder; the rename is still atomic there.
		}
	}

	static void deleteQuietly(Path path) {
		try {
			FileSystemUtils.deleteRecursively(path);
		}
		catch (IOException ex) {
			log.warn("Could not delete {} ({}); the next start tries again", path, ex.getMessage());
		}
	}

}
