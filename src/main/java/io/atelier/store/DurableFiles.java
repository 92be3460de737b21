package io.atelier.store;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;

import org.springframework.util.FileSystemUtils;

/**
 * Files and folders that are either wholly there or not at all, even across a crash or a power cut:
 * each is written under a hidden temporary name ({@value #TEMPORARY}…), flushed to disk, then renamed
 * into place, and the rename itself is flushed. Leftovers of an interrupted write keep their hidden
 * names, for {@link #isLeftover} to recognise.
 */
public final class DurableFiles {

	static final String TEMPORARY = ".tmp-";

	private static final String OLD = ".old-";

	private DurableFiles() {
	}

	/** Replaces {@code target} with a file holding what {@code content} writes. */
	public static void writeFile(Path target, StateWriter content) {
		Path temporary = target.resolveSibling(TEMPORARY + target.getFileName() + "-" + UUID.randomUUID());
		try {
			Files.createDirectories(target.getParent());
			try {
				write(temporary, content);
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				syncDirectory(target.getParent());
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException | RuntimeException ex) {
			throw new StoreException("Cannot write " + target + ": " + describe(ex), ex);
		}
	}

	/**
	 * Replaces the folder {@code target} with one holding {@code files}, by name, written in the map's
	 * order; an existing folder is moved aside first, then deleted.
	 */
	static void writeDirectory(Path target, Map<String, StateWriter> files) throws IOException {
		Path parent = target.getParent();
		Path temporary = parent.resolve(TEMPORARY + target.getFileName() + "-" + UUID.randomUUID());
		try {
			Files.createDirectories(temporary);
			for (Map.Entry<String, StateWriter> file : files.entrySet()) {
				write(temporary.resolve(file.getKey()), file.getValue());
			}
			syncDirectory(temporary);
			replace(target, temporary);
			syncDirectory(parent);
		}
		catch (IOException | RuntimeException ex) {
			deleteQuietly(temporary);
			throw ex;
		}
	}

	/**
	 * Removes a folder as one step for readers: renamed away atomically first, so it is there whole or
	 * not at all; what cannot be deleted after the rename is left for the next start's clean-up.
	 */
	static void removeDirectory(Path target) throws IOException {
		if (!Files.exists(target)) {
			return;
		}
		Path old = target.resolveSibling(OLD + target.getFileName() + "-" + UUID.randomUUID());
		Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
		syncDirectory(target.getParent());
		deleteQuietly(old);
	}

	/** Whether a name is what an interrupted write leaves behind. */
	static boolean isLeftover(Path path) {
		String name = path.getFileName().toString();
		return name.startsWith(TEMPORARY) || name.startsWith(OLD);
	}

	/** Deletes a file or folder; what cannot be deleted now is left for the next start's clean-up. */
	static void deleteQuietly(Path path) {
		try {
			FileSystemUtils.deleteRecursively(path);
		}
		catch (IOException ex) {
			// Left for the clean-up of leftovers on the next start.
		}
	}

	/** The operating system's reason, with the file it concerns, for a message a person reads. */
	static String describe(Exception ex) {
		String message = ex.getMessage();
		if (ex instanceof FileSystemException fs && fs.getReason() != null) {
			message = fs.getFile() + ": " + fs.getReason();
		}
		return message != null ? message : ex.getClass().getSimpleName();
	}

	private static void write(Path file, StateWriter content) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			DataOutputStream out = new DataOutputStream(
					new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
			content.write(out);
			out.flush();
			channel.force(true);
		}
	}

	private static void replace(Path target, Path temporary) throws IOException {
		Path old = null;
		if (Files.exists(target)) {
			old = target.resolveSibling(OLD + target.getFileName() + "-" + UUID.randomUUID());
			Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
		}
		Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
		if (old != null) {
			deleteQuietly(old);
		}
	}

	private static void syncDirectory(Path dir) {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems cannot open or sync a directory; the rename is still atomic there.
		}
	}

}
