package io.atelier.store;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import lombok.RequiredArgsConstructor;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import org.springframework.util.FileSystemUtils;

/**
 * Objects in an S3 bucket, under an optional key prefix. S3 has no rename, so a set counts only once
 * its commit marker, written last, is there: {@link #writeSet} takes the old marker away first and
 * puts the new one after every other object. Content is written to a local file first, so a writer
 * that fails (a block that cannot serialise) leaves the bucket as it was, and each upload knows its
 * length.
 */
@RequiredArgsConstructor
class S3ObjectStore implements ObjectStore, AutoCloseable {

	private static final String PROBE_PREFIX = ".health/";

	private final S3Client s3;

	private final String bucket;

	/** A key prefix for everything this store keeps, empty or ending in '/'. */
	private final String root;

	/** Where the bucket is, for health details. */
	private final String endpoint;

	@Override
	public void put(String key, StateWriter content) throws IOException {
		Path staged = Files.createTempFile("atelier-s3-", ".part");
		try {
			stage(staged, content);
			upload(key, staged);
		}
		finally {
			Files.deleteIfExists(staged);
		}
	}

	@Override
	public void read(String key, StateReader reader) throws IOException {
		try (DataInputStream in = new DataInputStream(
				new BufferedInputStream(s3.getObject(request -> request.bucket(bucket).key(root + key)), 64 * 1024))) {
			reader.read(in);
		}
		catch (NoSuchKeyException ex) {
			throw new NoSuchFileException(locate(key));
		}
		catch (SdkException ex) {
			throw failure("read", key, ex);
		}
	}

	@Override
	public List<StoredObject> list(String prefix) throws IOException {
		String folder = prefix.isEmpty() ? root : root + prefix + "/";
		try {
			return s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(folder))
				.contents()
				.stream()
				.map(object -> new StoredObject(object.key().substring(root.length()), object.size(),
						object.lastModified()))
				.toList();
		}
		catch (SdkException ex) {
			throw failure("list", prefix, ex);
		}
	}

	@Override
	public void delete(String key) throws IOException {
		try {
			s3.deleteObject(request -> request.bucket(bucket).key(root + key));
		}
		catch (SdkException ex) {
			throw failure("delete", key, ex);
		}
	}

	@Override
	public void writeSet(String prefix, Map<String, StateWriter> objects) throws IOException {
		String marker = lastKey(objects);
		Path staging = Files.createTempDirectory("atelier-s3-");
		try {
			Map<String, Path> staged = new LinkedHashMap<>();
			for (Map.Entry<String, StateWriter> object : objects.entrySet()) {
				Path file = staging.resolve(object.getKey());
				stage(file, object.getValue());
				staged.put(object.getKey(), file);
			}
			// From here the old set no longer counts, until the new marker is there.
			delete(prefix + "/" + marker);
			deleteAll(list(prefix).stream()
				.filter(object -> !staged.containsKey(object.name()))
				.map(StoredObject::key)
				.toList());
			try {
				for (Map.Entry<String, Path> object : staged.entrySet()) {
					upload(prefix + "/" + object.getKey(), object.getValue());
				}
			}
			catch (IOException | RuntimeException ex) {
				removeQuietly(prefix, marker);
				throw ex;
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(staging);
		}
	}

	@Override
	public void deleteSet(String prefix, String marker) throws IOException {
		delete(prefix + "/" + marker);
		deleteAll(list(prefix).stream().map(StoredObject::key).toList());
	}

	@Override
	public void removeIncomplete(String prefix, String marker, Duration olderThan) throws IOException {
		Instant before = Instant.now().minus(olderThan);
		Map<String, List<StoredObject>> sets = list(prefix).stream()
			.collect(Collectors.groupingBy(StoredObject::parent));
		List<String> leftovers = new ArrayList<>();
		for (List<StoredObject> set : sets.values()) {
			boolean marked = set.stream().anyMatch(object -> object.name().equals(marker));
			boolean settled = set.stream().allMatch(object -> object.lastModified().isBefore(before));
			if (!marked && settled) {
				set.forEach(object -> leftovers.add(object.key()));
			}
		}
		deleteAll(leftovers);
	}

	@Override
	public String locate(String key) {
		return "s3://" + bucket + "/" + root + key;
	}

	@Override
	public Map<String, Object> probe() throws IOException {
		String key = PROBE_PREFIX + UUID.randomUUID();
		try {
			s3.headBucket(request -> request.bucket(bucket));
			s3.putObject(request -> request.bucket(bucket).key(root + key), RequestBody.fromBytes(new byte[] { 1 }));
			s3.deleteObject(request -> request.bucket(bucket).key(root + key));
		}
		catch (SdkException ex) {
			throw failure("write", key, ex);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("storage", "s3");
		details.put("bucket", bucket);
		if (endpoint != null) {
			details.put("endpoint", endpoint);
		}
		return details;
	}

	@Override
	public void close() {
		s3.close();
	}

	private static void stage(Path file, StateWriter content) throws IOException {
		try (OutputStream stream = Files.newOutputStream(file);
				DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 64 * 1024))) {
			content.write(out);
		}
	}

	private void upload(String key, Path file) throws IOException {
		try {
			s3.putObject(request -> request.bucket(bucket).key(root + key), RequestBody.fromFile(file));
		}
		catch (SdkException ex) {
			throw failure("write", key, ex);
		}
	}

	/**
	 * One request per object: sets are a few objects each, and DeleteObjects, which takes many, needs a
	 * request checksum that several S3-compatible stores reject or do not implement.
	 */
	private void deleteAll(List<String> keys) throws IOException {
		for (String key : keys) {
			delete(key);
		}
	}

	/** A failed set is left without its marker, which is what counts; this only saves the space now. */
	private void removeQuietly(String prefix, String marker) {
		try {
			deleteSet(prefix, marker);
		}
		catch (IOException | RuntimeException ex) {
			// Left for the clean-up of incomplete sets on the next start.
		}
	}

	private IOException failure(String action, String key, SdkException ex) {
		return new IOException("Cannot " + action + " " + locate(key) + ": " + ex.getMessage(), ex);
	}

	private static String lastKey(Map<String, StateWriter> objects) {
		String last = null;
		for (String key : objects.keySet()) {
			last = key;
		}
		if (last == null) {
			throw new IllegalArgumentException("A set needs at least its marker");
		}
		return last;
	}

}
