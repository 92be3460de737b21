package io.atelier.store;

import java.time.Instant;

/**
 * One object in an {@link ObjectStore}.
 *
 * @param key its key, relative to the store's root
 * @param size its length in bytes
 * @param lastModified when it was last written
 */
record StoredObject(String key, long size, Instant lastModified) {

	/** The key up to its last '/': the set, or folder, it belongs to. */
	String parent() {
		int slash = key.lastIndexOf('/');
		return slash < 0 ? "" : key.substring(0, slash);
	}

	/** The key after its last '/'. */
	String name() {
		return key.substring(key.lastIndexOf('/') + 1);
	}

}
