package io.atelier.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.atelier.network.Architecture;
import io.atelier.store.StoredModel.Source;
import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The model catalogue on the schema Flyway builds, the same on every database Atelier supports, each a
 * subclass. Each test runs in a transaction rolled back after it, declared here because the tests are.
 */
@Transactional
abstract class ModelCatalogContract {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	JdbcClient jdbc;

	@TempDir
	Path dataDir;

	private CheckpointStore store;

	private Model model;

	@BeforeEach
	void setUp() {
		var storage = new StorageProperties(StorageProperties.Type.FILESYSTEM, new StorageProperties.S3(
				URI.create("http://unused"), "unused", "us-east-1", null, null, false, ""), Duration.ZERO);
		ObjectStore objects = new StorageConfiguration().objectStore(storage, new AtelierProperties(dataDir, Role.ALL));
		store = new CheckpointStore(objects, new StoreProperties(2), storage, JSON);
		model = Architecture.SEED_CNN.newModel(10, new Shape(1, 1, 28, 28), 3);
	}

	@AfterEach
	void tearDown() {
		model.close();
	}

	@Test
	void aSavedModelIsListedWithItsMetadataWithoutReadingTheStore() {
		ModelCatalog catalog = new ModelCatalog(store, jdbc, JSON);
		StoredModel saved = trained(catalog, "job-1", 1, 3);
		store.deleteModel("job-1");

		assertThat(catalog.models()).singleElement().satisfies(listed -> {
			assertThat(listed).isEqualTo(saved);
			assertThat(listed.source()).isEqualTo(Source.TRAINED);
			assertThat(listed.metadata().classNames()).hasSize(10);
			assertThat(listed.metadata().metrics()).containsEntry("testAccuracy", 0.5);
			assertThat(listed.checkpoint().location()).isEqualTo("jobs/job-1/model-a1");
		});
	}

	@Test
	void listsTheNewestFirstAndTellsImportedFromTrained() {
		ModelCatalog catalog = new ModelCatalog(store, jdbc, JSON);
		trained(catalog, "job-1", 1, 1);
		catalog.saveImported("m-2", model.getBlock(), metadata("m-2", 0, "mine"));

		assertThat(catalog.models()).extracting(StoredModel::id, StoredModel::source)
			.containsExactly(tuple("m-2", Source.IMPORTED),
					tuple("job-1", Source.TRAINED));
		assertThat(catalog.models().get(0).metadata().name()).isEqualTo("mine");
	}

	@Test
	void aSecondAttemptsFinalModelReplacesTheFirstsRow() {
		ModelCatalog catalog = new ModelCatalog(store, jdbc, JSON);
		trained(catalog, "job-1", 1, 2);
		trained(catalog, "job-1", 2, 4);

		assertThat(catalog.models()).singleElement()
			.satisfies(listed -> {
				assertThat(listed.metadata().epoch()).isEqualTo(4);
				assertThat(listed.checkpoint().location()).isEqualTo("jobs/job-1/model-a2");
			});
	}

	@Test
	void knowsWhichModelsItHoldsWithoutListingThem() {
		ModelCatalog catalog = new ModelCatalog(store, jdbc, JSON);
		trained(catalog, "job-1", 1, 1);
		catalog.saveImported("m-2", model.getBlock(), metadata("m-2", 0, null));

		assertThat(catalog.contains("job-1")).isTrue();
		assertThat(catalog.contains("m-2")).isTrue();
		assertThat(catalog.contains("job-2")).isFalse();
		catalog.delete("m-2");
		assertThat(catalog.contains("m-2")).isFalse();
	}

	@Test
	void deletingForgetsTheModelAndRemovesItsFiles() {
		ModelCatalog catalog = new ModelCatalog(store, jdbc, JSON);
		trained(catalog, "job-1", 1, 1);
		catalog.saveImported("m-2", model.getBlock(), metadata("m-2", 0, null));

		catalog.delete("job-1");

		assertThat(catalog.models()).extracting(StoredModel::id).containsExactly("m-2");
		assertThat(store.finalModels()).isEmpty();
		assertThat(dataDir.resolve("jobs/job-1/model")).doesNotExist();
	}

	@Test
	void modelsAnEarlierVersionLeftInTheStoreAreTakenInOnce() {
		store.saveFinal("job-1", 1, model.getBlock(), metadata("job-1", 5, null));
		store.saveImported("m-2", model.getBlock(), metadata("m-2", 0, "uploaded"));

		ModelCatalog catalog = new ModelCatalog(store, jdbc, JSON);
		assertThat(catalog.models()).extracting(StoredModel::id, StoredModel::source)
			.containsExactlyInAnyOrder(tuple("job-1", Source.TRAINED),
					tuple("m-2", Source.IMPORTED));

		// Once the table has rows, what is in the store without one is not a model: a write that never finished.
		store.saveFinal("job-3", 1, model.getBlock(), metadata("job-3", 1, null));
		assertThat(new ModelCatalog(store, jdbc, JSON).models()).extracting(StoredModel::id)
			.containsExactlyInAnyOrder("job-1", "m-2");
	}

	@Test
	void sidecarFieldsThisVersionDoesNotKnowAreSkipped() {
		ModelCatalog catalog = new ModelCatalog(store, jdbc, JSON);
		trained(catalog, "job-1", 1, 1);
		jdbc.sql("UPDATE models SET metadata = REPLACE(metadata, '\"epoch\"', '\"addedLater\":true,\"epoch\"')")
			.update();

		assertThat(catalog.models()).singleElement()
			.satisfies(listed -> assertThat(listed.metadata().epoch()).isEqualTo(1));
	}

	private StoredModel trained(ModelCatalog catalog, String id, int attempt, int epoch) {
		CheckpointMetadata metadata = metadata(id, epoch, null);
		return catalog.register(new StoredModel(store.saveFinal(id, attempt, model.getBlock(), metadata), metadata,
				Source.TRAINED));
	}

	private static CheckpointMetadata metadata(String id, int epoch, String name) {
		return new CheckpointMetadata(id, epoch, Architecture.SEED_CNN.id(), "fashion-mnist",
				List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), new CheckpointMetadata.Input(1, 28, 28),
				Map.of("epochs", 5), Map.of("testAccuracy", 0.5), Instant.now(), name);
	}

}
