package io.atelier.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A one-file Kubernetes Secret as the kubelet mounts it: {@code <dir>/keys} links to
 * {@code ..data/keys}, and {@code ..data} to a folder named by time. An update writes a new folder
 * and swaps {@code ..data} to it in one rename, then removes the old folder, so the file's path never
 * changes while what it reaches does.
 */
public final class SecretMount {

	private final Path dir;

	private int version;

	public SecretMount(Path dir) throws IOException {
		this.dir = Files.createDirectories(dir);
		Files.createSymbolicLink(dir.resolve("keys"), Path.of("..data", "keys"));
	}

	/** The path an application is given. */
	public Path file() {
		return dir.resolve("keys");
	}

	/** Updates the Secret as the kubelet does. */
	public void write(String content) throws IOException {
		Path data = dir.resolve("..data");
		Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
		Path next = Files.createDirectories(dir.resolve("..2026_11_29_" + (++version)));
		Files.writeString(next.resolve("keys"), content);
		Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), next.getFileName());
		Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		if (previous != null) {
			Files.delete(previous.resolve("keys"));
			Files.delete(previous);
		}
	}

}
