package io.atelier.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.atelier.system.AtelierProperties;
import io.atelier.system.JobIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Checkpoints and final models on the data volume, one folder each:
 * {@code jobs/<job>/checkpoints/epoch-0003/} and {@code jobs/<job>/model/}, holding
 * {@value #PARAMETERS} and the {@value #METADATA} sidecar, each written whole or not at all by
 * {@link DurableFiles}. Only complete checkpoints are listed; one that cannot be read is reported once
 * in the log and in {@link #unreadable()}, never silently left out.
 */
@Component
public class CheckpointStore {

	static final String PARAMETERS = "parameters.params";

	static final String METADATA = "checkpoint.json";

	static final String OPTIMIZER = "optimizer.state";

	private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

	private static final String RESUME_DIR = "resume";

	private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d{4,})");

	private static final String MODEL_DIR = "model";

	private final Path jobsDir;

	private final Path importedDir;

	private final int keep;

	private final JsonMapper json;

	private final Map<Path, String> unreadable = new ConcurrentHashMap<>();

	CheckpointStore(AtelierProperties atelier, StoreProperties properties, JsonMapper json) {
		this.jobsDir = atelier.dataDir().resolve("jobs");
		this.importedDir = atelier.dataDir().resolve("imported");
		this.keep = properties.keepCheckpoints();
		this.json = json;
	}

	/**
	 * Writes the checkpoint of one epoch, with the optimizer's state if it has one, then prunes the
	 * job's older epoch checkpoints and any resume point, which this checkpoint supersedes.
	 */
	public Checkpoint save(String jobId, Block block, StateWriter optimizer, CheckpointMetadata metadata) {
		Path dir = checkpointsDir(jobId).resolve(String.format("epoch-%04d", metadata.epoch()));
		write(dir, block, optimizer, metadata);
		prune(jobId);
		DurableFiles.deleteQuietly(jobDir(jobId).resolve(RESUME_DIR));
		return read(jobId, dir, false).orElseThrow();
	}

	/**
	 * Writes where a job stopped within an epoch, when the service shuts down while it runs; its
	 * metadata's metrics say how far the epoch got. There is one per job at most.
	 */
	public Checkpoint saveResumePoint(String jobId, Block block, StateWriter optimizer,
			CheckpointMetadata metadata) {
		Path dir = jobDir(jobId).resolve(RESUME_DIR);
		write(dir, block, optimizer, metadata);
		return read(jobId, dir, false).orElseThrow();
	}

	public Optional<Checkpoint> resumePoint(String jobId) {
		return read(jobId, jobDir(jobId).resolve(RESUME_DIR), false);
	}

	/** The job's last complete epoch checkpoint. */
	public Optional<Checkpoint> lastEpoch(String jobId) {
		List<Checkpoint> checkpoints = epochCheckpoints(jobId);
		return checkpoints.isEmpty() ? Optional.empty() : Optional.of(checkpoints.get(checkpoints.size() - 1));
	}

	/** Writes a job's final model, kept whatever pruning does. */
	public Checkpoint saveFinal(String jobId, Block block, CheckpointMetadata metadata) {
		Path dir = jobDir(jobId).resolve(MODEL_DIR);
		write(dir, block, null, metadata);
		DurableFiles.deleteQuietly(jobDir(jobId).resolve(RESUME_DIR));
		return read(jobId, dir, true).orElseThrow();
	}

	/** The job's complete checkpoints, oldest epoch first, its final model last. */
	public List<Checkpoint> list(String jobId) {
		List<Checkpoint> checkpoints = new ArrayList<>(epochCheckpoints(jobId));
		finalModel(jobId).ifPresent(checkpoints::add);
		return checkpoints;
	}

	/** The final model of every job that has one: every trained model on the volume. */
	public List<Checkpoint> finalModels() {
		return models(jobsDir, this::finalModel);
	}

	/**
	 * Writes a model that was not trained here, in {@code imported/<id>/}, in the same form as a
	 * job's final model.
	 */
	public Checkpoint saveImported(String modelId, Block block, CheckpointMetadata metadata) {
		Path dir = importedDir(modelId);
		write(dir, block, null, metadata);
		return read(modelId, dir, true).orElseThrow();
	}

	/** Every imported model on the volume. */
	public List<Checkpoint> importedModels() {
		return models(importedDir, id -> read(id, importedDir(id), true));
	}

	/** The model of each folder of {@code dir} named by an id, where it has one. */
	private static List<Checkpoint> models(Path dir, Function<String, Optional<Checkpoint>> model) {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> children = Files.list(dir)) {
			return children.map(child -> child.getFileName().toString())
				.filter(JobIds::isValid)
				.map(model)
				.flatMap(Optional::stream)
				.toList();
		}
		catch (IOException ex) {
			throw new StoreException("Cannot list " + dir + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Removes a model's files: an imported model's folder, or a job's final model with its epoch
	 * checkpoints (the job's record stays). Each folder goes whole.
	 */
	public void deleteModel(String modelId) {
		List<Path> folders = List.of(importedDir(modelId), jobDir(modelId).resolve(MODEL_DIR),
				checkpointsDir(modelId), jobDir(modelId).resolve(RESUME_DIR));
		for (Path folder : folders) {
			try {
				DurableFiles.removeDirectory(folder);
			}
			catch (IOException | RuntimeException ex) {
				throw new StoreException("Cannot remove " + folder + ": " + DurableFiles.describe(ex), ex);
			}
		}
	}

	public Optional<Checkpoint> finalModel(String jobId) {
		return read(jobId, jobDir(jobId).resolve(MODEL_DIR), true);
	}

	public Optional<CheckpointMetadata> metadata(Checkpoint checkpoint) {
		Path file = checkpoint.directory().resolve(METADATA);
		try {
			CheckpointMetadata metadata = json.readValue(file.toFile(), CheckpointMetadata.class);
			unreadable.remove(checkpoint.directory());
			return Optional.of(metadata);
		}
		catch (RuntimeException ex) {
			reportUnreadable(checkpoint.directory(), file, ex);
			return Optional.empty();
		}
	}

	/** Checkpoints that are on the volume but cannot be read, by folder, with the reason. */
	public Map<Path, String> unreadable() {
		return Map.copyOf(unreadable);
	}

	/** Loads a checkpoint's parameters into a block of the same architecture. */
	public void loadParameters(Checkpoint checkpoint, Block block, NDManager manager) {
		readState(checkpoint.directory().resolve(PARAMETERS), "parameters", in -> {
			try {
				block.loadParameters(manager, in);
			}
			catch (MalformedModelException ex) {
				throw new IOException(ex.getMessage(), ex);
			}
		});
	}

	/** Reads the optimizer state saved with a checkpoint; false when it has none. */
	public boolean loadOptimizer(Checkpoint checkpoint, StateReader optimizer) {
		Path file = checkpoint.directory().resolve(OPTIMIZER);
		if (!Files.isRegularFile(file)) {
			return false;
		}
		readState(file, "optimizer state", optimizer);
		return true;
	}

	private static void readState(Path file, String what, StateReader reader) {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
			reader.read(in);
		}
		catch (IOException ex) {
			throw new StoreException("Cannot load the " + what + " in " + file + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Removes what a crash may have left behind: folders that were never renamed into place. Only
	 * safe while nothing writes, before jobs start.
	 */
	public void removeIncomplete() {
		removeLeftovers(jobsDir, 3);
		removeLeftovers(importedDir, 1);
	}

	private static void removeLeftovers(Path dir, int depth) {
		if (!Files.isDirectory(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir, depth)) {
			paths.filter(DurableFiles::isLeftover).toList().forEach(DurableFiles::deleteQuietly);
		}
		catch (IOException ex) {
			throw new StoreException("Cannot scan " + dir + ": " + ex.getMessage(), ex);
		}
	}

	private List<Checkpoint> epochCheckpoints(String jobId) {
		Path dir = checkpointsDir(jobId);
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> children = Files.list(dir)) {
			return children.filter(child -> EPOCH_DIR.matcher(child.getFileName().toString()).matches())
				.map(child -> read(jobId, child, false))
				.flatMap(Optional::stream)
				.sorted(Comparator.comparingInt(Checkpoint::epoch))
				.toList();
		}
		catch (IOException ex) {
			throw new StoreException("Cannot list " + dir + ": " + ex.getMessage(), ex);
		}
	}

	private void prune(String jobId) {
		List<Checkpoint> checkpoints = epochCheckpoints(jobId);
		for (int i = 0; i < checkpoints.size() - keep; i++) {
			DurableFiles.deleteQuietly(checkpoints.get(i).directory());
		}
	}

	private Optional<Checkpoint> read(String jobId, Path dir, boolean finalModel) {
		Path metadataFile = dir.resolve(METADATA);
		Path parametersFile = dir.resolve(PARAMETERS);
		if (!Files.isRegularFile(metadataFile) || !Files.isRegularFile(parametersFile)) {
			return Optional.empty();
		}
		try {
			Matcher epochDir = EPOCH_DIR.matcher(dir.getFileName().toString());
			int epoch = epochDir.matches() ? Integer.parseInt(epochDir.group(1))
					: json.readTree(metadataFile.toFile()).path("epoch").asInt();
			long size = Files.size(metadataFile) + Files.size(parametersFile);
			Checkpoint checkpoint = new Checkpoint(jobId, epoch, finalModel, dir,
					Files.getLastModifiedTime(metadataFile).toInstant(), size);
			unreadable.remove(dir);
			return Optional.of(checkpoint);
		}
		catch (IOException | RuntimeException ex) {
			reportUnreadable(dir, metadataFile, ex);
			return Optional.empty();
		}
	}

	private void reportUnreadable(Path dir, Path file, Exception ex) {
		String reason = "Cannot read " + file + ": " + DurableFiles.describe(ex);
		if (!reason.equals(unreadable.put(dir, reason))) {
			log.warn("Checkpoint left out: {}", reason);
		}
	}

	private void write(Path target, Block block, StateWriter optimizer, CheckpointMetadata metadata) {
		Map<String, StateWriter> files = new LinkedHashMap<>();
		files.put(PARAMETERS, block::saveParameters);
		if (optimizer != null) {
			files.put(OPTIMIZER, optimizer);
		}
		// The sidecar last: a folder with it is known complete even before the rename.
		files.put(METADATA, out -> out.write(json.writeValueAsBytes(metadata)));
		try {
			DurableFiles.writeDirectory(target, files);
		}
		catch (IOException | RuntimeException ex) {
			throw new StoreException("Cannot write the checkpoint " + target + ": " + DurableFiles.describe(ex), ex);
		}
	}

	private Path checkpointsDir(String jobId) {
		return jobDir(jobId).resolve("checkpoints");
	}

	private Path importedDir(String modelId) {
		if (!JobIds.isValid(modelId)) {
			throw new IllegalArgumentException("Not a valid model id: " + modelId);
		}
		return importedDir.resolve(modelId);
	}

	private Path jobDir(String jobId) {
		if (!JobIds.isValid(jobId)) {
			throw new IllegalArgumentException("Not a valid job id: " + jobId);
		}
		return jobsDir.resolve(jobId);
	}

}
