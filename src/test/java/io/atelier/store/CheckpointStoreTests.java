package io.atelier.store;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.atelier.network.Architecture;
import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import io.atelier.testing.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same rules on a folder and in an S3 bucket (a real S3 server, S3Proxy). */
@ParameterizedClass
@EnumSource(StorageProperties.Type.class)
class CheckpointStoreTests {

	private static final String JOB = "job-1";

	@RegisterExtension
	static final S3Server s3 = new S3Server();

	@Parameter
	StorageProperties.Type type;

	@TempDir
	Path dataDir;

	private ObjectStore objects;

	private CheckpointStore store;

	private Model model;

	@BeforeEach
	void setUp() {
		objects = objectStore(s3.bucket());
		store = checkpointStore(Duration.ZERO);
		model = Architecture.SEED_CNN.newModel(10, new Shape(1, 1, 28, 28), 3);
	}

	@AfterEach
	void tearDown() throws Exception {
		model.close();
		if (objects instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	@Test
	void savesParametersAndSidecarUnderTheJob() throws IOException {
		Checkpoint checkpoint = store.save(JOB, 1, model.getBlock(), null, metadata(1));
		assertThat(checkpoint.location()).isEqualTo("jobs/job-1/checkpoints/epoch-0001-a1");
		assertThat(objects.list(checkpoint.location())).filteredOn(object -> object.name().equals("parameters.params"))
			.singleElement()
			.satisfies(parameters -> assertThat(parameters.size()).isPositive());
		assertThat(checkpoint.epoch()).isEqualTo(1);
		assertThat(checkpoint.finalModel()).isFalse();
		CheckpointMetadata read = store.metadata(checkpoint).orElseThrow();
		assertThat(read.classNames()).hasSize(10);
		assertThat(read.metrics()).containsEntry("testAccuracy", 0.5);
		assertThat(read.hyperparameters()).containsEntry("batchSize", 100);
	}

	@Test
	void loadsBackTheSameParameters() {
		Checkpoint checkpoint = store.save(JOB, 1, model.getBlock(), null, metadata(1));
		try (Model loaded = Architecture.SEED_CNN.newEmptyModel(10)) {
			store.loadParameters(checkpoint, loaded.getBlock(), loaded.getNDManager());
			for (int i = 0; i < 10; i++) {
				assertThat(loaded.getBlock().getParameters().valueAt(i).getArray().toFloatArray())
					.containsExactly(model.getBlock().getParameters().valueAt(i).getArray().toFloatArray());
			}
		}
	}

	@Test
	void prunesToTheConfiguredNumberButKeepsTheFinalModel() throws IOException {
		for (int epoch = 1; epoch <= 4; epoch++) {
			store.prune(JOB, store.save(JOB, 1, model.getBlock(), null, metadata(epoch)));
		}
		store.prune(JOB, store.saveFinal(JOB, 1, model.getBlock(), metadata(4)));
		List<Checkpoint> checkpoints = store.list(JOB);
		assertThat(checkpoints).extracting(Checkpoint::epoch).containsExactly(3, 4, 4);
		assertThat(checkpoints).extracting(Checkpoint::finalModel).containsExactly(false, false, true);
		assertThat(objects.list("jobs/job-1/checkpoints/epoch-0001-a1")).isEmpty();
	}

	@Test
	void anEpochCheckpointSupersedesResumePointsAndWhatALaterEpochsLostAttemptWrote() throws IOException {
		store.saveResumePoint(JOB, 1, model.getBlock(), null, metadata(3));
		store.save(JOB, 1, model.getBlock(), null, metadata(2));
		// Attempt 1 lost the job while it wrote epoch 3; attempt 2 resumed from epoch 2 and finished epoch 3.
		store.save(JOB, 1, model.getBlock(), null, metadata(3));
		store.save(JOB, 1, model.getBlock(), null, metadata(4));
		Checkpoint current = store.save(JOB, 2, model.getBlock(), null, metadata(3));

		store.prune(JOB, current);

		assertThat(sets("jobs/job-1/checkpoints")).containsExactlyInAnyOrder("epoch-0002-a1", "epoch-0003-a2");
		assertThat(sets("jobs/job-1")).doesNotContain("resume-a1");
	}

	@Test
	void aClaimRemovesWhatEarlierAttemptsWroteAndTheRecordNeverPointedTo() throws IOException {
		Checkpoint committed = store.save(JOB, 1, model.getBlock(), null, metadata(2));
		store.save(JOB, 1, model.getBlock(), null, metadata(1));
		store.save(JOB, 1, model.getBlock(), null, metadata(3));
		store.saveResumePoint(JOB, 1, model.getBlock(), null, metadata(3));
		Checkpoint pointedResume = store.saveResumePoint(JOB, 2, model.getBlock(), null, metadata(3));
		store.saveFinal(JOB, 2, model.getBlock(), metadata(3));
		store.saveBest(JOB, 1, model.getBlock(), metadata(3));
		Checkpoint pointedBest = store.saveBest(JOB, 1, model.getBlock(), metadata(2));

		store.removeUncommitted(JOB, committed.location(), pointedResume.location(), pointedBest.location());

		assertThat(sets("jobs/job-1/checkpoints")).as("older epochs are history, newer ones were never committed")
			.containsExactlyInAnyOrder("epoch-0001-a1", "epoch-0002-a1");
		assertThat(sets("jobs/job-1")).contains("resume-a2", "best-0002-a1")
			.doesNotContain("resume-a1", "model-a2", "best-0003-a1");
		assertThat(store.at(JOB, pointedResume.location())).isPresent();
	}

	@Test
	void setsOfEarlierVersionsAreFoundByListingAndLeftByAClaim() throws IOException {
		writeLegacy("jobs/job-1/checkpoints/epoch-0001", 1);
		writeLegacy("jobs/job-1/checkpoints/epoch-0002", 2);
		writeLegacy("jobs/job-1/resume", 3);

		store.removeUncommitted(JOB, null, null, null);

		assertThat(store.lastEpoch(JOB)).map(Checkpoint::epoch).hasValue(2);
		assertThat(store.resumePoint(JOB)).map(Checkpoint::location).hasValue("jobs/job-1/resume");
		store.save(JOB, 1, model.getBlock(), null, metadata(3));
		assertThat(store.lastEpoch(JOB)).as("a set with an attempt counts only through the job's record")
			.map(Checkpoint::epoch).hasValue(2);
	}

	@Test
	void aFailedWriteLeavesNoCheckpointAndKeepsThePreviousOne() throws IOException {
		store.save(JOB, 1, model.getBlock(), null, metadata(1));
		byte[] before = content("jobs/job-1/checkpoints/epoch-0001-a1/parameters.params");
		assertThatThrownBy(() -> store.save(JOB, 1, new FailingBlock(), null, metadata(2))).isInstanceOf(StoreException.class)
			.hasMessageContaining("epoch-0002")
			.hasMessageContaining("disk full");
		assertThat(store.list(JOB)).extracting(Checkpoint::epoch).containsExactly(1);
		assertThat(sets("jobs/job-1/checkpoints")).containsExactly("epoch-0001-a1");
		assertThat(content("jobs/job-1/checkpoints/epoch-0001-a1/parameters.params")).isEqualTo(before);
		if (type == StorageProperties.Type.FILESYSTEM) {
			assertThat(entries(dataDir.resolve("jobs/job-1/checkpoints"))).containsExactly("epoch-0001-a1");
		}
	}

	@Test
	void rewritingAnEpochReplacesItWhole() throws IOException {
		store.save(JOB, 1, model.getBlock(), null, metadata(1));
		assertThatThrownBy(() -> store.save(JOB, 1, new FailingBlock(), null, metadata(1))).isInstanceOf(StoreException.class);
		assertThat(store.list(JOB)).hasSize(1);
		store.save(JOB, 1, model.getBlock(), null, metadata(1));
		assertThat(sets("jobs/job-1/checkpoints")).containsExactly("epoch-0001-a1");
	}

	@Test
	void aRewrittenSetKeepsNothingOfTheOldOne() throws IOException {
		store.saveResumePoint(JOB, 1, model.getBlock(), out -> out.writeInt(42), metadata(1));
		Checkpoint rewritten = store.saveResumePoint(JOB, 1, model.getBlock(), null, metadata(1));
		assertThat(store.loadOptimizer(rewritten, in -> {
		})).isFalse();
		assertThat(objects.list(rewritten.location())).extracting(StoredObject::name)
			.containsExactlyInAnyOrder("parameters.params", "checkpoint.json");
	}

	@Test
	void whatACrashLeftHalfWrittenIsNeverListedAndIsRemovedOnStart() throws IOException {
		store.save(JOB, 1, model.getBlock(), null, metadata(1));
		String crashed = leaveHalfWritten("jobs/job-1/checkpoints", "epoch-0002");
		objects.put("jobs/job-1/checkpoints/epoch-0003/parameters.params", out -> out.write(new byte[] { 1, 2 }));
		assertThat(store.list(JOB)).extracting(Checkpoint::epoch).containsExactly(1);
		store.removeIncomplete();
		assertGone(crashed);
		assertThat(store.list(JOB)).extracting(Checkpoint::epoch).containsExactly(1);
	}

	@Test
	void leftoversYoungerThanTheConfiguredAgeAreLeftToTheirWriter() throws IOException {
		String writing = leaveHalfWritten("jobs/job-1/checkpoints", "epoch-0002");
		checkpointStore(Duration.ofHours(1)).removeIncomplete();
		assertPresent(writing);
		store.removeIncomplete(JOB);
		assertGone(writing);
	}

	@Test
	void aStoreThatRefusesWritesFailsWithAClearError() throws IOException {
		if (type == StorageProperties.Type.FILESYSTEM) {
			Files.createDirectories(dataDir.resolve("jobs"));
			Files.writeString(dataDir.resolve("jobs/job-1"), "a file where a folder should be");
		}
		else {
			objects = objectStore("no-such-bucket");
			store = checkpointStore(Duration.ZERO);
		}
		assertThatThrownBy(() -> store.save(JOB, 1, model.getBlock(), null, metadata(1))).isInstanceOf(StoreException.class)
			.hasMessageStartingWith("Cannot write the checkpoint " + objects.locate("jobs/job-1/checkpoints/epoch-0001-a1"));
	}

	@Test
	void refusesJobIdsThatCouldEscapeTheStore() {
		for (String id : List.of("../etc", "a/b", "", ".hidden", "x".repeat(65))) {
			assertThatThrownBy(() -> store.list(id)).as(id).isInstanceOf(IllegalArgumentException.class);
		}
	}

	@Test
	void finalModelsAreListed() {
		store.save(JOB, 1, model.getBlock(), null, metadata(1));
		Checkpoint saved = store.saveFinal(JOB, 1, model.getBlock(), metadata(1));
		assertThat(store.finalModels()).containsExactly(saved);
		assertThat(store.metadata(saved).orElseThrow().inputOrDefault()).isEqualTo(new CheckpointMetadata.Input(1, 28, 28));
	}

	@Test
	void aCorruptSidecarIsReportedWithItsLocationNotSilentlyDropped() throws IOException {
		Checkpoint saved = store.saveFinal(JOB, 1, model.getBlock(), metadata(1));
		objects.put(saved.location() + "/" + CheckpointStore.METADATA,
				out -> out.write("{ not json".getBytes(StandardCharsets.UTF_8)));
		assertThat(store.finalModels()).isEmpty();
		String where = objects.locate(saved.location());
		assertThat(store.unreadable()).containsOnlyKeys(where);
		assertThat(store.unreadable().get(where)).contains(CheckpointStore.METADATA);

		store.saveFinal(JOB, 1, model.getBlock(), metadata(1));
		assertThat(store.finalModels()).hasSize(1);
		assertThat(store.unreadable()).isEmpty();
	}

	@Test
	void aSidecarWithoutAnInputIsFashionMnists() throws IOException {
		Checkpoint saved = store.saveFinal(JOB, 1, model.getBlock(), metadata(1));
		String sidecar = saved.location() + "/" + CheckpointStore.METADATA;
		String withoutInput = new String(content(sidecar), StandardCharsets.UTF_8)
			.replaceAll("\\\"input\\\":\\{[^}]*\\},", "");
		objects.put(sidecar, out -> out.write(withoutInput.getBytes(StandardCharsets.UTF_8)));
		CheckpointMetadata read = store.metadata(saved).orElseThrow();
		assertThat(read.input()).isNull();
		assertThat(read.inputOrDefault()).isEqualTo(CheckpointMetadata.FASHION_MNIST_INPUT);
	}

	@Test
	void aSidecarFromANewerVersionIsStillRead() throws IOException {
		Checkpoint saved = store.saveFinal(JOB, 1, model.getBlock(), metadata(1));
		String sidecar = saved.location() + "/" + CheckpointStore.METADATA;
		String newer = new String(content(sidecar), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"addedLater\":1,");
		objects.put(sidecar, out -> out.write(newer.getBytes(StandardCharsets.UTF_8)));
		assertThat(store.finalModels()).hasSize(1);
		assertThat(store.metadata(saved)).isPresent();
	}

	@Test
	void listsNothingForAJobWithoutCheckpoints() {
		assertThat(store.list("unknown")).isEmpty();
	}

	@Test
	void anImportedModelIsKeptApartFromJobsAndListedWithItsName() throws IOException {
		store.saveFinal(JOB, 1, model.getBlock(), metadata(1));
		CheckpointMetadata imported = new CheckpointMetadata("m-1", 0, "seed-cnn", null, List.of("a", "b"),
				new CheckpointMetadata.Input(1, 28, 28), null, null, Instant.now(), "mine");
		Checkpoint saved = store.saveImported("m-1", model.getBlock(), imported);
		String crashed = leaveHalfWritten("imported", "m-2");

		assertThat(saved.location()).isEqualTo("imported/m-1");
		assertThat(store.importedModels()).extracting(Checkpoint::jobId).containsExactly("m-1");
		assertThat(store.finalModels()).extracting(Checkpoint::jobId).containsExactly(JOB);
		assertThat(store.metadata(saved).orElseThrow().name()).isEqualTo("mine");
		store.removeIncomplete();
		assertGone(crashed);
		assertThat(store.importedModels()).extracting(Checkpoint::jobId).containsExactly("m-1");
	}

	@Test
	void theBestEpochIsKeptApartFromPruningUntilTheModelIsDeleted() throws IOException {
		Checkpoint first = store.saveBest(JOB, 1, model.getBlock(), metadata(1));
		for (int epoch = 1; epoch <= 4; epoch++) {
			store.prune(JOB, store.save(JOB, 1, model.getBlock(), null, metadata(epoch)));
		}
		Checkpoint best = store.saveBest(JOB, 1, model.getBlock(), metadata(2));
		store.pruneBest(JOB, best);
		store.prune(JOB, store.saveFinal(JOB, 1, model.getBlock(), metadata(2)));

		assertThat(store.at(JOB, first.location())).as("superseded").isEmpty();
		assertThat(store.at(JOB, best.location())).map(Checkpoint::epoch).hasValue(2);
		assertThat(store.list(JOB)).extracting(Checkpoint::epoch).containsExactly(3, 4, 2);
		assertThat(store.parameterBytes(best)).isEqualTo(content("jobs/job-1/model-a1/parameters.params"));
		store.deleteModel(JOB);
		assertThat(store.at(JOB, best.location())).isEmpty();
	}

	@Test
	void anImportedTorchScriptArchiveIsKeptByteForByteReadBackListedAndDeletedWhole() throws IOException {
		byte[] archive = new byte[100_000];
		new java.util.Random(12).nextBytes(archive);
		CheckpointMetadata imported = new CheckpointMetadata("ts-1", 0, "torchscript", null, List.of("a", "b"),
				new CheckpointMetadata.Input(1, 28, 28), null, null, Instant.now(), null);
		Checkpoint saved = store.saveImportedTorchScript("ts-1", archive, imported);

		assertThat(store.importedModels()).extracting(Checkpoint::jobId).containsExactly("ts-1");
		assertThat(saved.sizeBytes()).isGreaterThan(archive.length);
		java.util.concurrent.atomic.AtomicReference<byte[]> read = new java.util.concurrent.atomic.AtomicReference<>();
		store.readTorchScript(saved, in -> read.set(in.readAllBytes()));
		assertThat(read.get()).isEqualTo(archive);
		assertThat(store.metadata(saved).orElseThrow().architecture()).isEqualTo("torchscript");

		store.deleteModel("ts-1");
		assertThat(store.importedModels()).isEmpty();
		assertThat(objects.list("imported/ts-1")).isEmpty();
	}

	@Test
	void deletingAJobsModelRemovesItsFinalModelAndCheckpointsWhole() throws IOException {
		store.save(JOB, 1, model.getBlock(), null, metadata(1));
		store.saveFinal(JOB, 1, model.getBlock(), metadata(1));
		store.deleteModel(JOB);
		assertThat(store.finalModels()).isEmpty();
		assertThat(store.list(JOB)).isEmpty();
		assertThat(objects.list("jobs/job-1")).isEmpty();
	}

	/** A fresh bucket prefix per test, so that tests share the server but nothing else. */
	private ObjectStore objectStore(String bucket) {
		var storage = new StorageProperties(type, new StorageProperties.S3(s3.endpoint(), bucket, "us-east-1",
				S3Server.ACCESS_KEY, S3Server.SECRET_KEY, true, "t-" + UUID.randomUUID()), Duration.ZERO);
		return new StorageConfiguration().objectStore(storage, new AtelierProperties(dataDir, Role.ALL));
	}

	private CheckpointStore checkpointStore(Duration leftoverAge) {
		return new CheckpointStore(objects, new StoreProperties(2),
				new StorageProperties(type, new StorageProperties.S3(URI.create("http://unused"), "unused", "us-east-1",
						null, null, false, ""), leftoverAge),
				JsonMapper.builder().build());
	}

	/**
	 * What a writer that died mid-checkpoint leaves: on a folder, a set under its hidden temporary name;
	 * in a bucket, its parameters without the marker. Returns where it is.
	 */
	private String leaveHalfWritten(String parent, String set) throws IOException {
		if (type == StorageProperties.Type.FILESYSTEM) {
			Path crashed = Files.createDirectories(dataDir.resolve(parent).resolve(".tmp-" + set + "-abc"));
			Files.write(crashed.resolve("parameters.params"), new byte[] { 1, 2 });
			return crashed.toString();
		}
		objects.put(parent + "/" + set + "/parameters.params", out -> out.write(new byte[] { 1, 2 }));
		return parent + "/" + set;
	}

	private void assertGone(String leftover) throws IOException {
		if (type == StorageProperties.Type.FILESYSTEM) {
			assertThat(Path.of(leftover)).doesNotExist();
		}
		else {
			assertThat(objects.list(leftover)).isEmpty();
		}
	}

	private void assertPresent(String leftover) throws IOException {
		if (type == StorageProperties.Type.FILESYSTEM) {
			assertThat(Path.of(leftover)).exists();
		}
		else {
			assertThat(objects.list(leftover)).isNotEmpty();
		}
	}

	/** The sets under a prefix that hold anything, by name. */
	/** A complete set under the name versions before attempts were named gave it. */
	private void writeLegacy(String set, int epoch) throws IOException {
		Map<String, StateWriter> files = new java.util.LinkedHashMap<>();
		files.put(CheckpointStore.PARAMETERS, model.getBlock()::saveParameters);
		files.put(CheckpointStore.METADATA,
				out -> out.write(JsonMapper.builder().build().writeValueAsBytes(metadata(epoch))));
		objects.writeSet(set, files);
	}

	private List<String> sets(String prefix) throws IOException {
		return objects.list(prefix).stream().map(StoredObject::parent).map(p -> p.substring(p.lastIndexOf('/') + 1))
			.distinct().sorted().toList();
	}

	private byte[] content(String key) throws IOException {
		AtomicReference<byte[]> bytes = new AtomicReference<>();
		objects.read(key, in -> bytes.set(in.readAllBytes()));
		return bytes.get();
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
