package io.atelier.store;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where checkpoints and models are kept: a folder (the data directory, or a volume several pods share)
 * or an S3 bucket. Keys are relative, '/'-separated paths such as
 * {@code jobs/<job>/checkpoints/epoch-0003/parameters.params}; callers check what goes into them.
 * <p>
 * A <em>set</em> is the objects under one prefix written as one unit, the last of them its commit
 * marker: readers count a set only while its marker is there, so they never see half of one.
 */
interface ObjectStore {

	/** Replaces whatever {@code key} held with what {@code content} writes, whole or not at all. */
	void put(String key, StateWriter content) throws IOException;

	/**
	 * Hands the object's content to {@code reader}.
	 * @throws java.nio.file.NoSuchFileException if there is no such object
	 */
	void read(String key, StateReader reader) throws IOException;

	/** Every object under {@code prefix}, at any depth; empty if there is none. */
	List<StoredObject> list(String prefix) throws IOException;

	/** Removes one object; nothing happens if it is not there. */
	void delete(String key) throws IOException;

	/**
	 * Replaces the set under {@code prefix} with {@code objects}, by name, written in the map's order;
	 * the last one is the commit marker. If this fails, the set counts as not there.
	 */
	void writeSet(String prefix, Map<String, StateWriter> objects) throws IOException;

	/** Removes a set, its marker first, so that readers see it whole or not at all. */
	void deleteSet(String prefix, String marker) throws IOException;

	/**
	 * Removes what interrupted writes and removals left under {@code prefix}: sets without their marker,
	 * last touched longer than {@code olderThan} ago (another process may be writing a younger one).
	 */
	void removeIncomplete(String prefix, String marker, Duration olderThan) throws IOException;

	/** Where a key lives, for a message a person reads: a path or an {@code s3://} address. */
	String locate(String key);

	/** Takes and removes a small write, to tell whether the store is usable; returns what to report. */
	Map<String, Object> probe() throws IOException;

}
