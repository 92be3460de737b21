package io.atelier.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Keeps the keys of {@code atelier.security.keys-file} current. It reads the file's content every
 * {@code keys-file-interval} and takes it when it has changed. Comparing content rather than watching
 * for events or times is what follows a Kubernetes Secret: the kubelet swaps a symbolic link to a new
 * folder, which changes neither the file's own time nor raises an event on its path. A file that
 * cannot be read, or is invalid, keeps the keys last taken, and says why once, never showing a key.
 */
class KeysFileWatcher implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(KeysFileWatcher.class);

	private final Path file;

	private final ApiKeyAuthenticationProvider keys;

	private final ScheduledExecutorService checks;

	private byte[] lastDigest;

	private String lastProblem;

	/**
	 * Reads the file once before the service takes requests; an invalid file stops start-up. Without a
	 * file (the setting absent or empty, as a chart may leave it) there is nothing to watch.
	 */
	KeysFileWatcher(SecurityProperties properties, ApiKeyAuthenticationProvider keys) {
		this.file = properties.keysFile();
		this.keys = keys;
		if (file == null) {
			this.checks = null;
			return;
		}
		takeAtStart();
		long interval = properties.keysFileInterval().toMillis();
		this.checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "atelier-keys-file");
			thread.setDaemon(true);
			return thread;
		});
		checks.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.MILLISECONDS);
	}

	private void takeAtStart() {
		byte[] content;
		try {
			content = Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read atelier.security.keys-file " + file + ": " + ex, ex);
		}
		try {
			take(content);
		}
		catch (KeysFile.InvalidException ex) {
			throw new IllegalStateException("atelier.security.keys-file " + file + " is not valid: " + ex.getMessage());
		}
	}

	/** Takes the file's content if it changed since it was last taken; otherwise keeps the keys. */
	synchronized void check() {
		try {
			byte[] content = Files.readAllBytes(file);
			if (!Arrays.equals(digest(content), lastDigest)) {
				take(content);
			}
			lastProblem = null;
		}
		catch (IOException | KeysFile.InvalidException ex) {
			String problem = ex instanceof KeysFile.InvalidException ? "it is not valid: " + ex.getMessage()
					: "it cannot be read: " + ex;
			if (!problem.equals(lastProblem)) {
				log.warn("Keeping the API keys last read from {}, because {}", file, problem);
				lastProblem = problem;
			}
		}
		catch (RuntimeException ex) {
			// The next check tries again: the thread must outlive any surprise.
			log.warn("Checking the API keys file {} failed; keeping its last keys", file, ex);
		}
	}

	private void take(byte[] content) {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
		}
		catch (CharacterCodingException ex) {
			throw new KeysFile.InvalidException("it is not UTF-8 text");
		}
		List<KeysFile.Entry> entries = KeysFile.parse(text);
		keys.useFileKeys(entries);
		lastDigest = digest(content);
		log.info("API keys from {}: {} trainer, {} predictor", file,
				entries.stream().filter(entry -> entry.role() == Role.TRAINER).count(),
				entries.stream().filter(entry -> entry.role() == Role.PREDICTOR).count());
	}

	@Override
	public void destroy() {
		if (checks != null) {
			checks.shutdownNow();
		}
	}

	private static byte[] digest(byte[] content) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(content);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

}
