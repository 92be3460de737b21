package io.atelier.dataset;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/**
 * The datasets jobs can train on, each read and verified once, then kept in memory.
 */
@Component
public class DatasetRegistry {

	private final Map<String, DatasetSource> sources;

	private final Map<String, LabeledDataset> loaded = new ConcurrentHashMap<>();

	DatasetRegistry(List<DatasetSource> sources) {
		this.sources = sources.stream().collect(Collectors.toMap(DatasetSource::name, Function.identity()));
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

	private DatasetSource source(String name) {
		DatasetSource source = sources.get(name);
		if (source == null) {
			throw new DatasetUnavailableException("Unknown dataset '" + name + "'; known: " + names());
		}
		return source;
	}

}
