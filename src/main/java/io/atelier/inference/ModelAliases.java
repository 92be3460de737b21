package io.atelier.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.atelier.store.DurableFiles;
import io.atelier.system.AtelierProperties;
import io.atelier.system.JobIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Names for models ({@code production}, {@code candidate}), kept in {@code models/aliases.json} on the
 * data volume and replaced whole. The map in memory is replaced, never changed, so a request that
 * resolves a name once sees the old target or the new one, never a mixture. The {@code default}
 * alias is the pin of {@link DefaultModelPin}, not kept here.
 */
@Component
class ModelAliases {

	private static final Logger log = LoggerFactory.getLogger(ModelAliases.class);

	private final Path file;

	private final JsonMapper json;

	private volatile Map<String, String> aliases;

	ModelAliases(AtelierProperties atelier, JsonMapper json) {
		this.file = atelier.dataDir().resolve("models").resolve("aliases.json");
		this.json = json;
		this.aliases = read();
	}

	Map<String, String> all() {
		return aliases;
	}

	/** The model an alias names, or the name itself when it is no alias. */
	String resolve(String name) {
		return aliases.getOrDefault(name, name);
	}

	synchronized void put(String alias, String modelId) {
		Map<String, String> next = new TreeMap<>(aliases);
		next.put(alias, modelId);
		replace(next);
	}

	synchronized boolean remove(String alias) {
		if (!aliases.containsKey(alias)) {
			return false;
		}
		Map<String, String> next = new TreeMap<>(aliases);
		next.remove(alias);
		replace(next);
		return true;
	}

	private void replace(Map<String, String> next) {
		Map<String, String> frozen = java.util.Collections.unmodifiableMap(next);
		DurableFiles.writeFile(file, out -> out.write(json.writeValueAsBytes(frozen)));
		aliases = frozen;
	}

	private Map<String, String> read() {
		if (!Files.isRegularFile(file)) {
			return Map.of();
		}
		try {
			Map<String, String> read = new TreeMap<>(json.readValue(file.toFile(), new TypeReference<Map<String, String>>() {
			}));
			read.entrySet().removeIf(entry -> !JobIds.isValid(entry.getKey()) || !JobIds.isValid(entry.getValue()));
			return java.util.Collections.unmodifiableMap(read);
		}
		catch (RuntimeException ex) {
			log.warn("The model aliases {} cannot be read ({}); serving without aliases", file, ex.getMessage());
			return Map.of();
		}
	}

}
