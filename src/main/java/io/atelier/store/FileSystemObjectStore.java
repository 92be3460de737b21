package io.atelier.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import lombok.RequiredArgsConstructor;

/**
 * Objects as files under a folder: the data directory, or a ReadWriteMany volume several pods share.
 * A set is a folder, written under a hidden name and renamed into place ({@link DurableFiles}), so
 * it is complete or absent without needing its marker; hidden names are never listed.
 */
@RequiredArgsConstructor
class FileSystemObjectStore implements ObjectStore {

	/** Deep enough for {@code jobs/<job>/checkpoints/.tmp-epoch-0003-…}. */
	private static final int LEFTOVER_DEPTH = 3;

	private final Path root;

	@Override
	public void put(String key, StateWriter content) {
		DurableFiles.writeFile(resolve(key), content);
	}

	@Override
	public void read(String key, StateReader reader) throws IOException {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(resolve(key))))) {
			reader.read(in);
		}
	}

	@Override
	public List<StoredObject> list(String prefix) throws IOException {
		Path dir = resolve(prefix);
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		List<StoredObject> objects = new ArrayList<>();
		Files.walkFileTree(dir, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
				return isHidden(folder) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				if (attributes.isRegularFile() && !isHidden(file)) {
					objects.add(new StoredObject(key(file), attributes.size(), attributes.lastModifiedTime().toInstant()));
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				// A set replaced or removed while this walked past it: it is there whole or not at all.
				if (ex instanceof NoSuchFileException) {
					return FileVisitResult.CONTINUE;
				}
				throw ex;
			}

		});
		return objects;
	}

	@Override
	public void delete(String key) throws IOException {
		Files.deleteIfExists(resolve(key));
	}

	@Override
	public void writeSet(String prefix, Map<String, StateWriter> objects) throws IOException {
		DurableFiles.writeDirectory(resolve(prefix), objects);
	}

	@Override
	public void deleteSet(String prefix, String marker) throws IOException {
		DurableFiles.removeDirectory(resolve(prefix));
	}

	@Override
	public void removeIncomplete(String prefix, String marker, Duration olderThan) throws IOException {
		Path dir = resolve(prefix);
		if (!Files.isDirectory(dir)) {
			return;
		}
		Instant before = Instant.now().minus(olderThan);
		try (Stream<Path> paths = Files.walk(dir, LEFTOVER_DEPTH)) {
			paths.filter(DurableFiles::isLeftover)
				.filter(path -> lastModified(path).isBefore(before))
				.toList()
				.forEach(DurableFiles::deleteQuietly);
		}
	}

	@Override
	public String locate(String key) {
		return resolve(key).toString();
	}

	@Override
	public Map<String, Object> probe() throws IOException {
		Files.createDirectories(root);
		Path probe = Files.createTempFile(root, ".health-", ".probe");
		try {
			Files.write(probe, new byte[] { 1 });
		}
		finally {
			Files.deleteIfExists(probe);
		}
		return Map.of("storage", "filesystem", "usableBytes", Files.getFileStore(root).getUsableSpace());
	}

	private Path resolve(String key) {
		return key.isEmpty() ? root : root.resolve(key);
	}

	private String key(Path path) {
		return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
	}

	/** Under a hidden name: a write in progress, a folder being removed, a health probe. */
	private boolean isHidden(Path path) {
		for (Path name : root.relativize(path)) {
			if (name.toString().startsWith(".")) {
				return true;
			}
		}
		return false;
	}

	/** Null for what vanished while the folder was listed: a set being replaced or removed. */
	private static BasicFileAttributes readAttributes(Path path) {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static Instant lastModified(Path path) {
		BasicFileAttributes attributes = readAttributes(path);
		return attributes != null ? attributes.lastModifiedTime().toInstant() : Instant.MAX;
	}

}
