package io.atelier.dataset;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datasets jobs can train on: the configured ones and those uploaded since. Each is read and
 * verified once, then kept in memory until it is deleted. Adding and deleting a dataset waits for
 * anything that runs {@link #whileUnchanged}, such as a job's admission, so a job is never admitted
 * on a dataset that is being deleted.
 */
public class DatasetRegistry {

	private static final Logger log = LoggerFactory.getLogger(DatasetRegistry.class);

	private final Map<String, DatasetSource> sources = new ConcurrentHashMap<>();

	private final Map<String, LabeledDataset> loaded = new ConcurrentHashMap<>();

	private final ReadWriteLock changes = new ReentrantReadWriteLock();

	DatasetRegistry(List<DatasetSource> configured, StoredDatasets stored) {
		for (DatasetSource source : configured) {
			if (sources.putIfAbsent(source.name(), source) != null) {
				throw new IllegalStateException("Two datasets are configured as '" + source.name() + "'");
			}
		}
		for (DatasetView view : stored.open()) {
			if (sources.putIfAbsent(view.name(), new UploadedSource(view, stored)) != null) {
				log.warn("The uploaded dataset '{}' is hidden by a configured dataset of the same name; rename "
						+ "the configured one to use it", view.name());
			}
		}
	}

	public List<String> names() {
		return sources.keySet().stream().sorted().toList();
	}

	/** Fails fast when the dataset is unknown or its files cannot be found, without reading them. */
	public void checkAvailable(String name) {
		if (!loaded.containsKey(name)) {
			source(name).checkAvailable();
		}
	}

	public LabeledDataset get(String name) {
		DatasetSource source = source(name);
		return loaded.computeIfAbsent(name, key -> source.load());
	}

	/** Runs {@code action} while no dataset is added or deleted. */
	public <T> T whileUnchanged(Supplier<T> action) {
		changes.readLock().lock();
		try {
			return action.get();
		}
		finally {
			changes.readLock().unlock();
		}
	}

	/** The dataset as the API shows it; reading it first if only reading tells (IDX datasets). */
	DatasetView view(String name) {
		DatasetSource source = source(name);
		return source.describe().orElseGet(() -> {
			try {
				return DatasetView.of(get(name));
			}
			catch (DatasetUnavailableException ex) {
				return DatasetView.unavailable(name, DatasetView.IDX, ex.getMessage());
			}
		});
	}

	boolean isUploaded(String name) {
		DatasetSource source = sources.get(name);
		return source != null && source.deletable();
	}

	boolean contains(String name) {
		return sources.containsKey(name);
	}

	/** Publishes a dataset under the change lock; {@code commit} stores it and says whether the name was free. */
	boolean add(String name, Supplier<DatasetSource> commit) {
		changes.writeLock().lock();
		try {
			if (sources.containsKey(name)) {
				return false;
			}
			DatasetSource source = commit.get();
			if (source == null) {
				return false;
			}
			sources.put(name, source);
			return true;
		}
		finally {
			changes.writeLock().unlock();
		}
	}

	/** Forgets a dataset under the change lock once {@code check} has passed and {@code delete} has removed it. */
	void remove(String name, Runnable check, Runnable delete) {
		changes.writeLock().lock();
		try {
			DatasetSource source = sources.get(name);
			if (source == null) {
				throw DatasetProblems.notFound(name);
			}
			if (!source.deletable()) {
				throw DatasetProblems.notDeletable(name);
			}
			check.run();
			delete.run();
			sources.remove(name);
			loaded.remove(name);
		}
		finally {
			changes.writeLock().unlock();
		}
	}

	private DatasetSource source(String name) {
		DatasetSource source = name == null ? null : sources.get(name);
		if (source == null) {
			throw new DatasetUnavailableException("Unknown dataset '" + name + "'; known: " + names());
		}
		return source;
	}

}
