package io.atelier.store;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import io.atelier.network.Architecture;
import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointStoreTests {

	private static final String JOB = "job-1";

	@TempDir
	Path dataDir;

	private CheckpointStore store;

	private Model model;

	@BeforeEach
	void setUp() {
		store = new CheckpointStore(new AtelierProperties(dataDir, Role.ALL), new StoreProperties(2), JsonMapper.builder().build());
		model = Architecture.SEED_CNN.newModel(10, new Shape(1, 1, 28, 28), 3);
	}

	@AfterEach
	void tearDown() {
		model.close();
	}

	@Test
	void savesParametersAndSidecarUnderTheJob() {
		Checkpoint checkpoint = store.save(JOB, model.getBlock(), null, metadata(1));
		assertThat(checkpoint.directory()).isEqualTo(dataDir.resolve("jobs/job-1/checkpoints/epoch-0001"));
		assertThat(checkpoint.directory().resolve("parameters.params")).isNotEmptyFile();
		assertThat(checkpoint.epoch()).isEqualTo(1);
		assertThat(checkpoint.finalModel()).isFalse();
		CheckpointMetadata read = store.metadata(checkpoint).orElseThrow();
		assertThat(read.classNames()).hasSize(10);
		assertThat(read.metrics()).containsEntry("testAccuracy", 0.5);
		assertThat(read.hyperparameters()).containsEntry("batchSize", 100);
	}

	@Test
	void loadsBackTheSameParameters() {
		Checkpoint checkpoint = store.save(JOB, model.getBlock(), null, metadata(1));
		try (Model loaded = Architecture.SEED_CNN.newEmptyModel(10)) {
			store.loadParameters(checkpoint, loaded.getBlock(), loaded.getNDManager());
			for (int i = 0; i < 10; i++) {
				assertThat(loaded.getBlock().getParameters().valueAt(i).getArray().toFloatArray())
					.containsExactly(model.getBlock().getParameters().valueAt(i).getArray().toFloatArray());
			}
		}
	}

	@Test
	void prunesToTheConfiguredNumberButKeepsTheFinalModel() {
		for (int epoch = 1; epoch <= 4; epoch++) {
			store.save(JOB, model.getBlock(), null, metadata(epoch));
		}
		store.saveFinal(JOB, model.getBlock(), metadata(4));
		List<Checkpoint> checkpoints = store.list(JOB);
		assertThat(checkpoints).extracting(Checkpoint::epoch).containsExactly(3, 4, 4);
		assertThat(checkpoints).extracting(Checkpoint::finalModel).containsExactly(false, false, true);
		assertThat(dataDir.resolve("jobs/job-1/checkpoints/epoch-0001")).doesNotExist();
	}

	@Test
	void aFailedWriteLeavesNoCheckpointAndKeepsThePreviousOne() throws IOException {
		store.save(JOB, model.getBlock(), null, metadata(1));
		byte[] before = Files.readAllBytes(dataDir.resolve("jobs/job-1/checkpoints/epoch-0001/parameters.params"));
		assertThatThrownBy(() -> store.save(JOB, new FailingBlock(), null, metadata(2))).isInstanceOf(StoreException.class)
			.hasMessageContaining("epoch-0002")
			.hasMessageContaining("disk full");
		assertThat(store.list(JOB)).extracting(Checkpoint::epoch).containsExactly(1);
		assertThat(entries(dataDir.resolve("jobs/job-1/checkpoints"))).containsExactly("epoch-0001");
		assertThat(dataDir.resolve("jobs/job-1/checkpoints/epoch-0001/parameters.params")).hasBinaryContent(before);
	}

	@Test
	void rewritingAnEpochReplacesItWhole() {
		store.save(JOB, model.getBlock(), null, metadata(1));
		assertThatThrownBy(() -> store.save(JOB, new FailingBlock(), null, metadata(1))).isInstanceOf(StoreException.class);
		assertThat(store.list(JOB)).hasSize(1);
		store.save(JOB, model.getBlock(), null, metadata(1));
		assertThat(entries(dataDir.resolve("jobs/job-1/checkpoints"))).containsExactly("epoch-0001");
	}

	@Test
	void whatACrashLeftHalfWrittenIsNeverListedAndIsRemovedOnStart() throws IOException {
		store.save(JOB, model.getBlock(), null, metadata(1));
		Path crashed = Files.createDirectories(dataDir.resolve("jobs/job-1/checkpoints/.tmp-epoch-0002-abc"));
		Files.write(crashed.resolve("parameters.params"), new byte[] { 1, 2 });
		Path noSidecar = Files.createDirectories(dataDir.resolve("jobs/job-1/checkpoints/epoch-0003"));
		Files.write(noSidecar.resolve("parameters.params"), new byte[] { 1, 2 });
		assertThat(store.list(JOB)).extracting(Checkpoint::epoch).containsExactly(1);
		store.removeIncomplete();
		assertThat(crashed).doesNotExist();
	}

	@Test
	void anUnwritableVolumeFailsWithAClearError() throws IOException {
		Files.createDirectories(dataDir.resolve("jobs"));
		Files.writeString(dataDir.resolve("jobs/job-1"), "a file where a folder should be");
		assertThatThrownBy(() -> store.save(JOB, model.getBlock(), null, metadata(1))).isInstanceOf(StoreException.class)
			.hasMessageStartingWith("Cannot write the checkpoint");
	}

	@Test
	void refusesJobIdsThatCouldEscapeTheVolume() {
		for (String id : List.of("../etc", "a/b", "", ".hidden", "x".repeat(65))) {
			assertThatThrownBy(() -> store.list(id)).as(id).isInstanceOf(IllegalArgumentException.class);
		}
	}

	@Test
	void finalModelsAreListed() {
		store.save(JOB, model.getBlock(), null, metadata(1));
		Checkpoint saved = store.saveFinal(JOB, model.getBlock(), metadata(1));
		assertThat(store.finalModels()).containsExactly(saved);
		assertThat(store.metadata(saved).orElseThrow().inputOrDefault()).isEqualTo(new CheckpointMetadata.Input(1, 28, 28));
	}

	@Test
	void aCorruptSidecarIsReportedWithItsPathNotSilentlyDropped() throws IOException {
		Checkpoint saved = store.saveFinal(JOB, model.getBlock(), metadata(1));
		Files.writeString(saved.directory().resolve(CheckpointStore.METADATA), "{ not json");
		assertThat(store.finalModels()).isEmpty();
		assertThat(store.unreadable()).containsOnlyKeys(saved.directory());
		assertThat(store.unreadable().get(saved.directory())).contains(CheckpointStore.METADATA);

		store.saveFinal(JOB, model.getBlock(), metadata(1));
		assertThat(store.finalModels()).hasSize(1);
		assertThat(store.unreadable()).isEmpty();
	}

	@Test
	void aSidecarWithoutAnInputIsFashionMnists() throws IOException {
		Checkpoint saved = store.saveFinal(JOB, model.getBlock(), metadata(1));
		Path sidecar = saved.directory().resolve(CheckpointStore.METADATA);
		Files.writeString(sidecar, Files.readString(sidecar).replaceAll("\\\"input\\\":\\{[^}]*\\},", ""));
		CheckpointMetadata read = store.metadata(saved).orElseThrow();
		assertThat(read.input()).isNull();
		assertThat(read.inputOrDefault()).isEqualTo(CheckpointMetadata.FASHION_MNIST_INPUT);
	}

	@Test
	void listsNothingForAJobWithoutCheckpoints() {
		assertThat(store.list("unknown")).isEmpty();
	}

	@Test
	void anImportedModelIsKeptApartFromJobsAndListedWithItsName() throws IOException {
		store.saveFinal(JOB, model.getBlock(), metadata(1));
		CheckpointMetadata imported = new CheckpointMetadata("m-1", 0, "seed-cnn", null, List.of("a", "b"),
				new CheckpointMetadata.Input(1, 28, 28), null, null, Instant.now(), "mine");
		Checkpoint saved = store.saveImported("m-1", model.getBlock(), imported);
		Path crashed = Files.createDirectories(dataDir.resolve("imported/.tmp-m-2-abc"));

		assertThat(saved.directory()).isEqualTo(dataDir.resolve("imported/m-1"));
		assertThat(store.importedModels()).extracting(Checkpoint::jobId).containsExactly("m-1");
		assertThat(store.finalModels()).extracting(Checkpoint::jobId).containsExactly(JOB);
		assertThat(store.metadata(saved).orElseThrow().name()).isEqualTo("mine");
		store.removeIncomplete();
		assertThat(crashed).doesNotExist();
	}

	@Test
	void deletingAJobsModelRemovesItsFinalModelAndCheckpointsWhole() {
		store.save(JOB, model.getBlock(), null, metadata(1));
		store.saveFinal(JOB, model.getBlock(), metadata(1));
		store.deleteModel(JOB);
		assertThat(store.finalModels()).isEmpty();
		assertThat(store.list(JOB)).isEmpty();
		assertThat(entries(dataDir.resolve("jobs/job-1"))).isEmpty();
	}

	private static CheckpointMetadata metadata(int epoch) {
		return new CheckpointMetadata(JOB, epoch, "seed-cnn", "fashion-mnist",
				List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), new CheckpointMetadata.Input(1, 28, 28),
				Map.of("batchSize", 100),
				Map.of("testAccuracy", 0.5), Instant.now());
	}

	private static List<String> entries(Path dir) {
		try (Stream<Path> children = Files.list(dir)) {
			return children.map(path -> path.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Writes part of its parameters, then fails as a full disk would. */
	private static final class FailingBlock extends SequentialBlock {

		@Override
		public void saveParameters(DataOutputStream os) throws IOException {
			os.write(new byte[4096]);
			throw new IOException("disk full");
		}

	}

}
