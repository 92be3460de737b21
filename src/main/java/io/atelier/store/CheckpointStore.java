package io.atelier.store;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.atelier.system.AtelierProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * Checkpoints and final models on the data volume, one folder each:
 * {@code jobs/<job>/checkpoints/epoch-0003/} and {@code jobs/<job>/model/}, holding
 * {@value #PARAMETERS} and the {@value #METADATA} sidecar. A folder is written under a hidden
 * temporary name, flushed to disk, then renamed into place, so a crash never leaves a half-written
 * checkpoint under a valid name.
 */
@Component
public class CheckpointStore {

	static final String PARAMETERS = "parameters.params";

	static final String METADATA = "checkpoint.json";

	static final String OPTIMIZER = "optimizer.state";

	private static final String RESUME_DIR = "resume";

	private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

	private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d{4,})");

	private static final String MODEL_DIR = "model";

	private final Path jobsDir;

	private final int keep;

	private final JsonMapper json;

	private final ApplicationEventPublisher events;

	CheckpointStore(AtelierProperties atelier, StoreProperties properties, JsonMapper json,
			ApplicationEventPublisher events) {
		this.jobsDir = atelier.dataDir().resolve("jobs");
		this.keep = properties.keepCheckpoints();
		this.json = json;
		this.events = events;
	}

	/**
	 * Writes the checkpoint of one epoch, with the optimizer's state if it has one, then prunes the
	 * job's older epoch checkpoints and any resume point, which this checkpoint supersedes.
	 */
	public Checkpoint save(String jobId, Block block, StateWriter optimizer, CheckpointMetadata metadata) {
		Path dir = checkpointsDir(jobId).resolve(String.format("epoch-%04d", metadata.epoch()));
		writeAtomically(dir, block, optimizer, metadata);
		prune(jobId);
		deleteQuietly(jobDir(jobId).resolve(RESUME_DIR));
		return read(jobId, dir, false).orElseThrow();
	}

	/**
	 * Writes where a job stopped within an epoch, when the service shuts down while it runs; its
	 * metadata's metrics say how far the epoch got. There is one per job at most.
	 */
	public Checkpoint saveResumePoint(String jobId, Block block, StateWriter optimizer,
			CheckpointMetadata metadata) {
		Path dir = jobDir(jobId).resolve(RESUME_DIR);
		writeAtomically(dir, block, optimizer, metadata);
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
		writeAtomically(dir, block, null, metadata);
		deleteQuietly(jobDir(jobId).resolve(RESUME_DIR));
		Checkpoint checkpoint = read(jobId, dir, true).orElseThrow();
		events.publishEvent(new FinalModelSaved(checkpoint));
		return checkpoint;
	}

	/** The job's complete checkpoints, oldest epoch first, its final model last. */
	public List<Checkpoint> list(String jobId) {
		List<Checkpoint> checkpoints = new ArrayList<>(epochCheckpoints(jobId));
		finalModel(jobId).ifPresent(checkpoints::add);
		return checkpoints;
	}

	/** The final model of every job that has one: every trained model on the volume. */
	public List<Checkpoint> finalModels() {
		if (!Files.isDirectory(jobsDir)) {
			return List.of();
		}
		try (Stream<Path> jobs = Files.list(jobsDir)) {
			return jobs.map(dir -> dir.getFileName().toString())
				.filter(id -> JOB_ID.matcher(id).matches())
				.map(this::finalModel)
				.flatMap(Optional::stream)
				.toList();
		}
		catch (IOException ex) {
			throw new StoreException("Cannot list " + jobsDir + ": " + ex.getMessage(), ex);
		}
	}

	public Optional<Checkpoint> finalModel(String jobId) {
		return read(jobId, jobDir(jobId).resolve(MODEL_DIR), true);
	}

	/** The model pinned as the default for predictions, if one was. */
	public Optional<String> pinnedModel() {
		Path file = pinFile();
		if (!Files.isRegularFile(file)) {
			return Optional.empty();
		}
		try {
			return Optional.ofNullable(json.readTree(file.toFile()).path("jobId").stringValue(null));
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	/** Pins the default model; the file is replaced atomically, so a crash leaves the old pin or the new. */
	public void pinModel(String jobId) {
		jobDir(jobId);
		Path file = pinFile();
		try {
			Files.createDirectories(file.getParent());
			Path temporary = file.resolveSibling(".tmp-" + file.getFileName() + "-" + UUID.randomUUID());
			try {
				writeDurably(temporary, out -> out.write(json.writeValueAsBytes(java.util.Map.of("jobId", jobId))));
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				syncDirectory(file.getParent());
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException ex) {
			throw new StoreException("Cannot write " + file + ": " + describe(ex), ex);
		}
	}

	public Optional<CheckpointMetadata> metadata(Checkpoint checkpoint) {
		Path file = checkpoint.directory().resolve(METADATA);
		try {
			return Optional.of(json.readValue(file.toFile(), CheckpointMetadata.class));
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
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
		try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
			reader.read(in);
		}
		catch (IOException ex) {
			throw new StoreException("Cannot load the " + what + " in " + file + ": " + ex.getMessage(), ex);
		}
	}

	/** Removes what a crash may have left behind: folders that were never renamed into place. */
	public void removeIncomplete() {
		if (!Files.isDirectory(jobsDir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(jobsDir, 3)) {
			paths.filter(path -> path.getFileName().toString().startsWith(".tmp-")
					|| path.getFileName().toString().startsWith(".old-"))
				.toList()
				.forEach(CheckpointStore::deleteQuietly);
		}
		catch (IOException ex) {
			throw new StoreException("Cannot scan " + jobsDir + ": " + ex.getMessage(), ex);
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
			deleteQuietly(checkpoints.get(i).directory());
		}
	}

	private Optional<Checkpoint> read(String jobId, Path dir, boolean finalModel) {
		Path metadataFile = dir.resolve(METADATA);
		Path parametersFile = dir.resolve(PARAMETERS);
		if (!Files.isRegularFile(metadataFile) || !Files.isRegularFile(parametersFile)) {
			return Optional.empty();
		}
		try {
			boolean epochDir = EPOCH_DIR.matcher(dir.getFileName().toString()).matches();
			int epoch = epochDir ? epochOf(dir) : json.readTree(metadataFile.toFile()).path("epoch").asInt();
			long size = Files.size(metadataFile) + Files.size(parametersFile);
			return Optional.of(new Checkpoint(jobId, epoch, finalModel, dir,
					Files.getLastModifiedTime(metadataFile).toInstant(), size));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static int epochOf(Path dir) {
		Matcher matcher = EPOCH_DIR.matcher(dir.getFileName().toString());
		return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
	}

	private void writeAtomically(Path target, Block block, StateWriter optimizer, CheckpointMetadata metadata) {
		Path parent = target.getParent();
		Path temporary = parent.resolve(".tmp-" + target.getFileName() + "-" + UUID.randomUUID());
		try {
			Files.createDirectories(temporary);
			writeDurably(temporary.resolve(PARAMETERS), block::saveParameters);
			if (optimizer != null) {
				writeDurably(temporary.resolve(OPTIMIZER), optimizer);
			}
			writeDurably(temporary.resolve(METADATA), out -> out.write(json.writeValueAsBytes(metadata)));
			syncDirectory(temporary);
			replace(target, temporary);
			syncDirectory(parent);
		}
		catch (IOException | RuntimeException ex) {
			deleteQuietly(temporary);
			throw new StoreException("Cannot write the checkpoint " + target + ": " + describe(ex), ex);
		}
	}

	/** Renames the new folder into place; an existing one is moved aside first, then deleted. */
	private static void replace(Path target, Path temporary) throws IOException {
		Path old = null;
		if (Files.exists(target)) {
			old = target.resolveSibling(".old-" + target.getFileName() + "-" + UUID.randomUUID());
			Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
		}
		Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
		if (old != null) {
			deleteQuietly(old);
		}
	}

	private static void writeDurably(Path file, StateWriter writer) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			DataOutputStream out = new DataOutputStream(
					new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
			writer.write(out);
			out.flush();
			channel.force(true);
		}
	}

	private static void syncDirectory(Path dir) {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems cannot open or sync a directory; the rename is still atomic there.
		}
	}

	private static String describe(Exception ex) {
		String message = ex.getMessage();
		if (ex instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
			message = fs.getFile() + ": " + fs.getReason();
		}
		return message != null ? message : ex.getClass().getSimpleName();
	}

	private static void deleteQuietly(Path path) {
		try {
			FileSystemUtils.deleteRecursively(path);
		}
		catch (IOException ex) {
			// Left for removeIncomplete() on the next start.
		}
	}

	private Path pinFile() {
		return jobsDir.resolveSibling("models").resolve("default.json");
	}

	private Path checkpointsDir(String jobId) {
		return jobDir(jobId).resolve("checkpoints");
	}

	private Path jobDir(String jobId) {
		if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
			throw new IllegalArgumentException("Not a valid job id: " + jobId);
		}
		return jobsDir.resolve(jobId);
	}

	/** Writes one file of a checkpoint: its parameters, or state that travels with them. */
	@FunctionalInterface
	public interface StateWriter {

		void write(DataOutputStream out) throws IOException;

	}

	@FunctionalInterface
	public interface StateReader {

		void read(DataInputStream in) throws IOException;

	}

}
