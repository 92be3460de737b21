package io.atelier.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import ai.djl.nn.Block;
import io.atelier.store.StoredModel.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The models the service serves, in the database: a model's files go to the store first, then its row
 * here (for a trained model, in the transaction that ends its job), and only then does it count. Every replica lists models from this table, so what one replica
 * imports or deletes, or a worker trains, every other serves within its next refresh, without listing the
 * store. Models that versions before the table left in the store are taken in once, at the first start
 * that finds the table empty.
 */
@Component
public class ModelCatalog {

	private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

	private final CheckpointStore store;

	private final JdbcClient jdbc;

	private final JsonMapper json;

	ModelCatalog(CheckpointStore store, JdbcClient jdbc, JsonMapper json) {
		this.store = store;
		this.jdbc = jdbc;
		this.json = json;
		takeInStoredModels();
	}

	/** Writes a model trained elsewhere to the store, then records it. */
	public StoredModel saveImported(String modelId, Block block, CheckpointMetadata metadata) {
		return register(new StoredModel(store.saveImported(modelId, block, metadata), metadata, Source.IMPORTED));
	}

	/** Keeps an uploaded TorchScript archive as it came, then records it. */
	public StoredModel saveImportedTorchScript(String modelId, byte[] archive, CheckpointMetadata metadata) {
		return register(new StoredModel(store.saveImportedTorchScript(modelId, archive, metadata), metadata,
				Source.IMPORTED));
	}

	/** Forgets a model, then removes its files: no replica serves it from the moment its row is gone. */
	public void delete(String modelId) {
		jdbc.sql("DELETE FROM models WHERE id = ?").param(modelId).update();
		store.deleteModel(modelId);
	}

	/** Whether a model of that id is recorded: one lookup by key, without reading the catalogue. */
	public boolean contains(String modelId) {
		return jdbc.sql("SELECT COUNT(*) FROM models WHERE id = ?").param(modelId).query(Integer.class).single() > 0;
	}

	/** Every model, newest first. */
	public List<StoredModel> models() {
		return jdbc.sql("SELECT id, source, location, epoch, size_bytes, metadata, saved_at FROM models "
				+ "ORDER BY saved_at DESC, id")
			.query(this::model)
			.list();
	}

	/**
	 * Records a model whose files are complete in the store: from now on it is served. Recording it again
	 * replaces its row. Returns the model as it reads back: the databases keep time to the microsecond.
	 */
	public StoredModel register(StoredModel written) {
		Checkpoint checkpoint = micros(written.checkpoint());
		StoredModel model = new StoredModel(checkpoint, written.metadata(), written.source());
		Object[] values = { model.source().name().toLowerCase(Locale.ROOT), checkpoint.location(), checkpoint.epoch(),
				checkpoint.sizeBytes(), json.writeValueAsString(model.metadata()),
				OffsetDateTime.ofInstant(checkpoint.savedAt(), ZoneOffset.UTC), model.id() };
		String update = "UPDATE models SET source = ?, location = ?, epoch = ?, size_bytes = ?, metadata = ?, "
				+ "saved_at = ? WHERE id = ?";
		if (jdbc.sql(update).params(values).update() == 0) {
			try {
				jdbc.sql("INSERT INTO models (source, location, epoch, size_bytes, metadata, saved_at, id) "
						+ "VALUES (?, ?, ?, ?, ?, ?, ?)")
					.params(values)
					.update();
			}
			catch (DuplicateKeyException ex) {
				// A second attempt at the same job, or a second replica taking in the same model: the same files.
				jdbc.sql(update).params(values).update();
			}
		}
		return model;
	}

	private static Checkpoint micros(Checkpoint checkpoint) {
		return new Checkpoint(checkpoint.jobId(), checkpoint.epoch(), checkpoint.finalModel(), checkpoint.location(),
				checkpoint.savedAt().truncatedTo(ChronoUnit.MICROS), checkpoint.sizeBytes());
	}

	private void takeInStoredModels() {
		if (jdbc.sql("SELECT COUNT(*) FROM models").query(Integer.class).single() > 0) {
			return;
		}
		List<StoredModel> found = Stream
			.concat(stored(store.finalModels(), Source.TRAINED), stored(store.importedModels(), Source.IMPORTED))
			.toList();
		found.forEach(this::register);
		if (!found.isEmpty()) {
			log.info("Took {} models found in the store into the database", found.size());
		}
	}

	private Stream<StoredModel> stored(List<Checkpoint> checkpoints, Source source) {
		return checkpoints.stream()
			.flatMap(checkpoint -> store.metadata(checkpoint)
				.map(metadata -> new StoredModel(checkpoint, metadata, source))
				.stream());
	}

	private StoredModel model(ResultSet rs, int row) throws SQLException {
		String id = rs.getString("id");
		CheckpointMetadata metadata = store.parseMetadata(rs.getString("metadata"));
		Checkpoint checkpoint = new Checkpoint(id, rs.getInt("epoch"), true, rs.getString("location"),
				rs.getObject("saved_at", OffsetDateTime.class).toInstant(), rs.getLong("size_bytes"));
		return new StoredModel(checkpoint, metadata, Source.valueOf(rs.getString("source").toUpperCase(Locale.ROOT)));
	}

}
