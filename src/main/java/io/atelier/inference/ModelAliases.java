package io.atelier.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.atelier.system.AtelierProperties;
import io.atelier.system.JobIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Names for models ({@code production}, {@code candidate}, and {@code default}, the pin), kept in the
 * database so that every API replica serves what was set through any of them. Each replica holds a
 * snapshot, replaced whole when it is re-read, so a request that resolves a name sees the old target
 * or the new one, never a mixture. Pins and aliases that earlier versions kept in files on the volume
 * are taken into the database once.
 */
@Component
class ModelAliases {

	static final String DEFAULT = "default";

	private static final Logger log = LoggerFactory.getLogger(ModelAliases.class);

	private final JdbcClient jdbc;

	private volatile Map<String, String> aliases = Map.of();

	ModelAliases(JdbcClient jdbc, AtelierProperties atelier, JsonMapper json) {
		this.jdbc = jdbc;
		new LegacyFiles(atelier.dataDir().resolve("models"), json).moveInto(this);
		reload();
	}

	/** Every alias with its model, {@code default} included when a model is pinned. */
	Map<String, String> all() {
		return aliases;
	}

	/** The model an alias names, or the name itself when it is no alias. */
	String resolve(String name) {
		return aliases.getOrDefault(name, name);
	}

	void put(String alias, String modelId) {
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		int updated = jdbc.sql("UPDATE model_aliases SET model_id = ?, updated_at = ? WHERE alias = ?")
			.params(modelId, now, alias)
			.update();
		if (updated == 0) {
			try {
				jdbc.sql("INSERT INTO model_aliases (alias, model_id, updated_at) VALUES (?, ?, ?)")
					.params(alias, modelId, now)
					.update();
			}
			catch (DuplicateKeyException ex) {
				// Another replica created it a moment ago: the later write wins, as it would have.
				jdbc.sql("UPDATE model_aliases SET model_id = ?, updated_at = ? WHERE alias = ?")
					.params(modelId, now, alias)
					.update();
			}
		}
		reload();
	}

	boolean remove(String alias) {
		boolean removed = jdbc.sql("DELETE FROM model_aliases WHERE alias = ?").param(alias).update() == 1;
		reload();
		return removed;
	}

	/** Takes in what other replicas changed. */
	void reload() {
		Map<String, String> read = new TreeMap<>();
		jdbc.sql("SELECT alias, model_id FROM model_aliases")
			.query((rs, n) -> read.put(rs.getString("alias"), rs.getString("model_id")))
			.list();
		aliases = Collections.unmodifiableMap(read);
	}

	private boolean isEmpty() {
		return jdbc.sql("SELECT COUNT(*) FROM model_aliases").query(Integer.class).single() == 0;
	}

	/** {@code models/aliases.json} and {@code models/default.json}, as versions before 0.2 kept them. */
	private record LegacyFiles(Path dir, JsonMapper json) {

		void moveInto(ModelAliases aliases) {
			Path aliasesFile = dir.resolve("aliases.json");
			Path pinFile = dir.resolve("default.json");
			if (!Files.isRegularFile(aliasesFile) && !Files.isRegularFile(pinFile)) {
				return;
			}
			if (aliases.isEmpty()) {
				read(aliasesFile).forEach(aliases::put);
				read(pinFile).forEach(aliases::put);
				log.info("Took the model aliases and default pin kept in {} into the database", dir);
			}
			retire(aliasesFile);
			retire(pinFile);
		}

		private Map<String, String> read(Path file) {
			if (!Files.isRegularFile(file)) {
				return Map.of();
			}
			try {
				Map<String, String> read = new TreeMap<>(json.readValue(file.toFile(),
						new TypeReference<Map<String, String>>() {
						}));
				if (file.endsWith("default.json")) {
					String pinned = read.get("jobId");
					read = pinned == null ? Map.of() : new TreeMap<>(Map.of(DEFAULT, pinned));
				}
				read.entrySet().removeIf(entry -> !JobIds.isValid(entry.getKey()) || !JobIds.isValid(entry.getValue()));
				return read;
			}
			catch (RuntimeException ex) {
				log.warn("The model aliases in {} cannot be read ({}); they are not taken over", file, ex.getMessage());
				return Map.of();
			}
		}

		/** Kept beside, renamed, rather than deleted: nothing already stored is lost. */
		private static void retire(Path file) {
			try {
				if (Files.isRegularFile(file)) {
					Files.move(file, file.resolveSibling(file.getFileName() + ".imported"));
				}
			}
			catch (java.io.IOException ex) {
				log.warn("Could not rename {} after taking it into the database: {}", file, ex.getMessage());
			}
		}

	}

}
