package io.atelier.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.atelier.system.JobIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Checkpoints and final models in the {@link ObjectStore}, one set each, named after the job's attempt
 * that wrote it: {@code jobs/<job>/checkpoints/epoch-0003-a2/}, {@code jobs/<job>/resume-a2/} and
 * {@code jobs/<job>/model-a2/}, holding {@value #PARAMETERS}, maybe {@value #OPTIMIZER}, and the
 * {@value #METADATA} sidecar, written last as the set's commit marker; an imported TorchScript model,
 * {@code imported/<id>/}, holds {@value #TORCHSCRIPT} instead of parameters. A set is complete when its marker
 * is there (on a folder it is renamed into place whole); it counts once the job's database row points to
 * it, which only the attempt holding the job can make it do. So a worker that lost its job and wakes
 * up mid-write writes only a set of its own name, which nothing reads and the next claim removes.
 * Sets without an attempt in their name are those of versions before: they are found by listing. One
 * that cannot be read is reported once in the log and in {@link #unreadable()}, never silently left out.
 */
@Component
public class CheckpointStore {

	static final String PARAMETERS = "parameters.params";

	static final String METADATA = "checkpoint.json";

	static final String OPTIMIZER = "optimizer.state";

	/** An imported TorchScript archive, kept as uploaded, in place of {@value #PARAMETERS}. */
	static final String TORCHSCRIPT = "model.pt";

	private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

	private static final String JOBS = "jobs";

	private static final String IMPORTED = "imported";

	private static final String RESUME = "resume";

	private static final String CHECKPOINTS = "checkpoints";

	private static final String MODEL = "model";

	private static final String BEST = "best";

	/** An epoch's set as versions before attempts were named wrote it. */
	private static final Pattern EPOCH_SET = Pattern.compile("epoch-(\\d{4,})");

	/** Any epoch's set, with the attempt that wrote it, if named. */
	private static final Pattern ANY_EPOCH_SET = Pattern.compile("epoch-(\\d{4,})(?:-a(\\d+))?");

	/** A best epoch's set, with its epoch and attempt. */
	private static final Pattern BEST_SET = Pattern.compile(BEST + "-(\\d{4,})-a(\\d+)");

	/** Any resume point or final model set of a job, with its attempt, if named. */
	private static final Pattern ANY_JOB_SET = Pattern.compile("(" + RESUME + "|" + MODEL + ")(?:-a(\\d+))?");

	/** {@code jobs/<job>/model}, {@code jobs/<job>/model-a2} and {@code imported/<id>}, with the id as the group. */
	private static final Pattern FINAL_MODEL = Pattern.compile(JOBS + "/([^/]+)/" + MODEL + "(?:-a\\d+)?");

	private static final Pattern IMPORTED_MODEL = Pattern.compile(IMPORTED + "/([^/]+)");

	private final ObjectStore objects;

	private final int keep;

	private final Duration leftoverAge;

	private final JsonMapper json;

	/**
	 * Sidecar fields this version does not know are skipped: during a rolling update a replica still on an
	 * older version must not drop what a newer one wrote.
	 */
	private final ObjectReader sidecars;

	/** The catalogue parses every row's metadata on each refresh. */
	private final ObjectReader metadataReader;

	private final Map<String, String> unreadable = new ConcurrentHashMap<>();

	CheckpointStore(ObjectStore objects, StoreProperties properties, StorageProperties storage, JsonMapper json) {
		this.objects = objects;
		this.keep = properties.keepCheckpoints();
		this.leftoverAge = storage.leftoverAge();
		this.json = json;
		this.sidecars = json.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
		this.metadataReader = sidecars.forType(CheckpointMetadata.class);
	}

	/**
	 * Writes the checkpoint of one epoch, with the optimizer's state if it has one. It counts once the
	 * job's record points to it; then {@link #prune} removes what it supersedes.
	 */
	public Checkpoint save(String jobId, int attempt, Block block, StateWriter optimizer,
			CheckpointMetadata metadata) {
		String set = checkpoints(jobId) + "/" + String.format("epoch-%04d-a%d", metadata.epoch(), attempt);
		write(set, block, optimizer, metadata);
		return read(jobId, set, false).orElseThrow();
	}

	/**
	 * Writes where a job stopped within an epoch, when the service shuts down while it runs; its
	 * metadata's metrics say how far the epoch got.
	 */
	public Checkpoint saveResumePoint(String jobId, int attempt, Block block, StateWriter optimizer,
			CheckpointMetadata metadata) {
		String set = job(jobId) + "/" + RESUME + "-a" + attempt;
		write(set, block, optimizer, metadata);
		return read(jobId, set, false).orElseThrow();
	}

	/** The complete set at a location the job's record points to; empty if it is not there. */
	public Optional<Checkpoint> at(String jobId, String location) {
		if (!location.startsWith(job(jobId) + "/")) {
			throw new IllegalArgumentException("Not a set of job " + jobId + ": " + location);
		}
		boolean finalModel = name(location).startsWith(MODEL);
		return read(jobId, location, finalModel);
	}

	/** A job's resume point as versions before attempts were named wrote it. */
	public Optional<Checkpoint> resumePoint(String jobId) {
		return read(jobId, job(jobId) + "/" + RESUME, false);
	}

	/** The job's last epoch checkpoint as versions before attempts were named wrote it. */
	public Optional<Checkpoint> lastEpoch(String jobId) {
		List<Checkpoint> checkpoints = epochCheckpoints(jobId, EPOCH_SET);
		return checkpoints.isEmpty() ? Optional.empty() : Optional.of(checkpoints.get(checkpoints.size() - 1));
	}

	/**
	 * Writes the parameters of a job's best epoch on validation so far, {@code jobs/<job>/best-0003-a2/}:
	 * pruning may remove its epoch checkpoint, and a resumed job must still end on it. It counts once the
	 * job's record points to it; then {@link #pruneBest} removes the one before. It stays until the model
	 * is deleted, since a job may stop again before its final model is recorded as its outcome.
	 */
	public Checkpoint saveBest(String jobId, int attempt, Block block, CheckpointMetadata metadata) {
		String set = job(jobId) + "/" + String.format("%s-%04d-a%d", BEST, metadata.epoch(), attempt);
		write(set, block, null, metadata);
		return read(jobId, set, false).orElseThrow();
	}

	/** Once the job's record points to {@code current}: removes the job's other best-epoch sets. */
	public void pruneBest(String jobId, Checkpoint current) {
		for (String set : sets(job(jobId)).keySet()) {
			if (BEST_SET.matcher(inJob(jobId, set)).matches() && !set.equals(current.location())) {
				deleteQuietly(set);
			}
		}
	}

	/** A checkpoint's parameters as they are stored, in DJL's format, for a block to load later. */
	public byte[] parameterBytes(Checkpoint checkpoint) {
		String key = checkpoint.location() + "/" + PARAMETERS;
		AtomicReference<byte[]> bytes = new AtomicReference<>();
		try {
			objects.read(key, in -> bytes.set(in.readAllBytes()));
		}
		catch (IOException ex) {
			throw cannotLoad("parameters", key, ex);
		}
		return bytes.get();
	}

	/** Writes a job's final model, kept whatever pruning does; it counts once the catalogue records it. */
	public Checkpoint saveFinal(String jobId, int attempt, Block block, CheckpointMetadata metadata) {
		String set = job(jobId) + "/" + MODEL + "-a" + attempt;
		write(set, block, null, metadata);
		return read(jobId, set, true).orElseThrow();
	}

	/**
	 * Once the job's record points to {@code current}: removes every resume point, epoch checkpoints
	 * beyond the {@code keep-checkpoints} newest, and any of its epoch or a later one that an attempt which
	 * had lost the job wrote. After the final model, every other final model set goes too. What cannot be
	 * removed now is left for the next claim or clean-up.
	 */
	public void prune(String jobId, Checkpoint current) {
		Map<String, Map<String, StoredObject>> listed = sets(job(jobId));
		for (String set : listed.keySet()) {
			Matcher jobSet = ANY_JOB_SET.matcher(inJob(jobId, set));
			if (jobSet.matches() && !set.equals(current.location())
					&& (jobSet.group(1).equals(RESUME) || current.finalModel())) {
				deleteQuietly(set);
			}
		}
		if (current.finalModel()) {
			return;
		}
		List<Checkpoint> older = new ArrayList<>();
		for (Checkpoint checkpoint : epochCheckpoints(jobId, ANY_EPOCH_SET, listed)) {
			if (checkpoint.location().equals(current.location())) {
				continue;
			}
			if (checkpoint.epoch() >= current.epoch()) {
				deleteQuietly(checkpoint.location());
			}
			else {
				older.add(checkpoint);
			}
		}
		for (int i = 0; i < older.size() - (keep - 1); i++) {
			deleteQuietly(older.get(i).location());
		}
	}

	/**
	 * At a claim: removes the sets that earlier attempts wrote and the job's record never pointed to
	 * (their resume points, best epochs and final models, and epoch checkpoints after the one it points to). Sets of
	 * versions before attempts were named are left: they are found by listing.
	 */
	public void removeUncommitted(String jobId, String checkpoint, String resumePoint, String best) {
		Map<String, Map<String, StoredObject>> listed = sets(job(jobId));
		int committedEpoch = checkpoint == null ? 0
				: checkpoint(jobId, checkpoint, false, listed.getOrDefault(checkpoint, Map.of())).map(Checkpoint::epoch)
					.orElse(0);
		for (String set : listed.keySet()) {
			if (set.equals(checkpoint) || set.equals(resumePoint) || set.equals(best)) {
				continue;
			}
			String path = inJob(jobId, set);
			Matcher jobSet = ANY_JOB_SET.matcher(path);
			Matcher epochSet = ANY_EPOCH_SET.matcher(name(set));
			boolean uncommitted;
			if (BEST_SET.matcher(path).matches()) {
				uncommitted = true;
			}
			else if (jobSet.matches()) {
				uncommitted = jobSet.group(2) != null;
			}
			else {
				uncommitted = epochSet.matches() && epochSet.group(2) != null
						&& Integer.parseInt(epochSet.group(1)) > committedEpoch;
			}
			if (uncommitted) {
				deleteQuietly(set);
			}
		}
	}

	/** The job's complete checkpoints, oldest epoch first, its final model last. */
	public List<Checkpoint> list(String jobId) {
		Map<String, Map<String, StoredObject>> listed = sets(job(jobId));
		List<Checkpoint> checkpoints = new ArrayList<>(epochCheckpoints(jobId, ANY_EPOCH_SET, listed));
		listed.forEach((set, content) -> {
			Matcher jobSet = ANY_JOB_SET.matcher(inJob(jobId, set));
			if (jobSet.matches() && jobSet.group(1).equals(MODEL)) {
				checkpoint(jobId, set, true, content).ifPresent(checkpoints::add);
			}
		});
		return checkpoints;
	}

	/**
	 * Every job's final model found by listing, the newest where an attempt that had lost its job wrote
	 * one too: what the catalogue takes in when it starts empty.
	 */
	public List<Checkpoint> finalModels() {
		Map<String, Checkpoint> newest = new LinkedHashMap<>();
		for (Checkpoint model : models(JOBS, FINAL_MODEL)) {
			newest.merge(model.jobId(), model, (a, b) -> a.savedAt().isAfter(b.savedAt()) ? a : b);
		}
		return List.copyOf(newest.values());
	}

	/**
	 * Writes a model that was not trained here, in {@code imported/<id>/}, in the same form as a
	 * job's final model.
	 */
	public Checkpoint saveImported(String modelId, Block block, CheckpointMetadata metadata) {
		String set = imported(modelId);
		write(set, block, null, metadata);
		return read(modelId, set, true).orElseThrow();
	}

	/**
	 * Writes an imported TorchScript archive, byte for byte as uploaded, in {@code imported/<id>/}; the
	 * sidecar after it, so that the set is seen whole or not at all.
	 */
	public Checkpoint saveImportedTorchScript(String modelId, byte[] archive, CheckpointMetadata metadata) {
		String set = imported(modelId);
		Map<String, StateWriter> files = new LinkedHashMap<>();
		files.put(TORCHSCRIPT, out -> out.write(archive));
		write(set, files, metadata);
		return read(modelId, set, true).orElseThrow();
	}

	/** Hands an imported TorchScript model's archive to {@code reader}, straight from the store. */
	public void readTorchScript(Checkpoint checkpoint, StateReader reader) {
		String key = checkpoint.location() + "/" + TORCHSCRIPT;
		try {
			objects.read(key, reader);
		}
		catch (IOException ex) {
			throw cannotLoad("TorchScript archive", key, ex);
		}
	}

	/** Every imported model in the store. */
	public List<Checkpoint> importedModels() {
		return models(IMPORTED, IMPORTED_MODEL);
	}

	/** The models among the sets under {@code prefix} whose location {@code model} matches, one listing for all. */
	private List<Checkpoint> models(String prefix, Pattern model) {
		List<Checkpoint> models = new ArrayList<>();
		sets(prefix).forEach((set, content) -> {
			Matcher matcher = model.matcher(set);
			if (matcher.matches() && JobIds.isValid(matcher.group(1))) {
				checkpoint(matcher.group(1), set, true, content).ifPresent(models::add);
			}
		});
		return models;
	}

	/**
	 * Removes a model's files: an imported model, or everything a job stored (the job's record stays).
	 * Each set goes whole.
	 */
	public void deleteModel(String modelId) {
		List<String> sets = new ArrayList<>(List.of(imported(modelId)));
		sets.addAll(sets(job(modelId)).keySet());
		for (String set : sets) {
			try {
				objects.deleteSet(set, METADATA);
			}
			catch (IOException | RuntimeException ex) {
				throw new StoreException("Cannot remove " + objects.locate(set) + ": " + DurableFiles.describe(ex), ex);
			}
		}
	}

	public Optional<CheckpointMetadata> metadata(Checkpoint checkpoint) {
		try {
			CheckpointMetadata metadata = readJson(checkpoint.location() + "/" + METADATA, CheckpointMetadata.class);
			unreadable.remove(objects.locate(checkpoint.location()));
			return Optional.of(metadata);
		}
		catch (IOException | RuntimeException ex) {
			reportUnreadable(checkpoint.location(), ex);
			return Optional.empty();
		}
	}

	/** Checkpoints that are in the store but cannot be read, by where they are, with the reason. */
	public Map<String, String> unreadable() {
		return Map.copyOf(unreadable);
	}

	/** Loads a checkpoint's parameters into a block of the same architecture. */
	public void loadParameters(Checkpoint checkpoint, Block block, NDManager manager) {
		String key = checkpoint.location() + "/" + PARAMETERS;
		try {
			objects.read(key, in -> {
				try {
					block.loadParameters(manager, in);
				}
				catch (MalformedModelException ex) {
					throw new IOException(ex.getMessage(), ex);
				}
			});
		}
		catch (IOException ex) {
			throw cannotLoad("parameters", key, ex);
		}
	}

	/** Reads the optimizer state saved with a checkpoint; false when it has none. */
	public boolean loadOptimizer(Checkpoint checkpoint, StateReader optimizer) {
		String key = checkpoint.location() + "/" + OPTIMIZER;
		try {
			objects.read(key, optimizer);
			return true;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			throw cannotLoad("optimizer state", key, ex);
		}
	}

	private StoreException cannotLoad(String what, String key, IOException ex) {
		return new StoreException("Cannot load the " + what + " in " + objects.locate(key) + ": " + ex.getMessage(), ex);
	}

	/**
	 * Removes what a crash may have left behind: sets that were never completed, older than
	 * {@code atelier.storage.leftover-age}. With the default of 0, only safe while nothing writes,
	 * before jobs start.
	 */
	public void removeIncomplete() {
		removeIncomplete(JOBS, leftoverAge);
		removeIncomplete(IMPORTED, leftoverAge);
	}

	/**
	 * Removes what earlier attempts at one job left incomplete, whatever its age: safe once this process
	 * alone runs the job, as when it has just claimed it.
	 */
	public void removeIncomplete(String jobId) {
		removeIncomplete(job(jobId), Duration.ZERO);
	}

	private void removeIncomplete(String prefix, Duration olderThan) {
		try {
			objects.removeIncomplete(prefix, METADATA, olderThan);
		}
		catch (IOException | RuntimeException ex) {
			throw new StoreException("Cannot scan " + objects.locate(prefix) + ": " + DurableFiles.describe(ex), ex);
		}
	}

	private List<Checkpoint> epochCheckpoints(String jobId, Pattern names) {
		return epochCheckpoints(jobId, names, sets(checkpoints(jobId)));
	}

	/** The epoch checkpoints among sets already listed (the job's, or its checkpoints'), oldest first. */
	private List<Checkpoint> epochCheckpoints(String jobId, Pattern names,
			Map<String, Map<String, StoredObject>> listed) {
		String parent = checkpoints(jobId) + "/";
		List<Checkpoint> checkpoints = new ArrayList<>();
		listed.forEach((set, content) -> {
			if (set.startsWith(parent) && names.matcher(name(set)).matches()) {
				checkpoint(jobId, set, false, content).ifPresent(checkpoints::add);
			}
		});
		checkpoints.sort(Comparator.comparingInt(Checkpoint::epoch).thenComparing(Checkpoint::location));
		return checkpoints;
	}

	/** The objects under {@code prefix}, by the set they belong to and then by name. */
	private Map<String, Map<String, StoredObject>> sets(String prefix) {
		try {
			return objects.list(prefix)
				.stream()
				.collect(Collectors.groupingBy(StoredObject::parent, LinkedHashMap::new,
						Collectors.toMap(StoredObject::name, object -> object, (a, b) -> a)));
		}
		catch (IOException | RuntimeException ex) {
			throw new StoreException("Cannot list " + objects.locate(prefix) + ": " + DurableFiles.describe(ex), ex);
		}
	}

	private Optional<Checkpoint> read(String jobId, String set, boolean finalModel) {
		return checkpoint(jobId, set, finalModel, sets(set).getOrDefault(set, Map.of()));
	}

	private Optional<Checkpoint> checkpoint(String jobId, String set, boolean finalModel,
			Map<String, StoredObject> content) {
		StoredObject marker = content.get(METADATA);
		StoredObject parameters = content.getOrDefault(PARAMETERS, content.get(TORCHSCRIPT));
		if (marker == null || parameters == null) {
			return Optional.empty();
		}
		try {
			Matcher epochSet = ANY_EPOCH_SET.matcher(name(set));
			int epoch = epochSet.matches() ? Integer.parseInt(epochSet.group(1))
					: readJson(marker.key(), EpochOnly.class).epoch();
			Checkpoint checkpoint = new Checkpoint(jobId, epoch, finalModel, set, marker.lastModified(),
					marker.size() + parameters.size());
			unreadable.remove(objects.locate(set));
			return Optional.of(checkpoint);
		}
		catch (IOException | RuntimeException ex) {
			reportUnreadable(set, ex);
			return Optional.empty();
		}
	}

	/** What an epoch-less set's sidecar is read for when listing; the rest is read when needed. */
	private record EpochOnly(int epoch) {
	}

	/** A sidecar as the catalogue keeps it, read as leniently as one in the store. */
	CheckpointMetadata parseMetadata(String text) {
		return metadataReader.readValue(text);
	}

	/** The set's path below the job's folder: {@code resume-a2}, {@code checkpoints/epoch-0003-a2}. */
	private String inJob(String jobId, String set) {
		return set.substring(job(jobId).length() + 1);
	}

	private <T> T readJson(String key, Class<T> type) throws IOException {
		AtomicReference<T> value = new AtomicReference<>();
		objects.read(key, in -> value
			.set(sidecars.forType(type).readValue((InputStream) in)));
		return value.get();
	}

	private void reportUnreadable(String set, Exception ex) {
		String where = objects.locate(set);
		String reason = "Cannot read " + objects.locate(set + "/" + METADATA) + ": " + DurableFiles.describe(ex);
		if (!reason.equals(unreadable.put(where, reason))) {
			log.warn("Checkpoint left out: {}", reason);
		}
	}

	private void write(String set, Block block, StateWriter optimizer, CheckpointMetadata metadata) {
		Map<String, StateWriter> files = new LinkedHashMap<>();
		files.put(PARAMETERS, block::saveParameters);
		if (optimizer != null) {
			files.put(OPTIMIZER, optimizer);
		}
		write(set, files, metadata);
	}

	private void write(String set, Map<String, StateWriter> files, CheckpointMetadata metadata) {
		// The sidecar last: it is the commit marker, so a set with it is known complete.
		files.put(METADATA, out -> out.write(json.writeValueAsBytes(metadata)));
		try {
			objects.writeSet(set, files);
		}
		catch (IOException | RuntimeException ex) {
			throw new StoreException(
					"Cannot write the checkpoint " + objects.locate(set) + ": " + DurableFiles.describe(ex), ex);
		}
	}

	/** Superseded sets: what cannot be removed now is left for the clean-up at the next start. */
	private void deleteQuietly(String set) {
		try {
			objects.deleteSet(set, METADATA);
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Left {} for the next clean-up: {}", objects.locate(set), DurableFiles.describe(ex));
		}
	}

	private static String name(String set) {
		return set.substring(set.lastIndexOf('/') + 1);
	}

	private static String checkpoints(String jobId) {
		return job(jobId) + "/" + CHECKPOINTS;
	}

	private static String imported(String modelId) {
		if (!JobIds.isValid(modelId)) {
			throw new IllegalArgumentException("Not a valid model id: " + modelId);
		}
		return IMPORTED + "/" + modelId;
	}

	private static String job(String jobId) {
		if (!JobIds.isValid(jobId)) {
			throw new IllegalArgumentException("Not a valid job id: " + jobId);
		}
		return JOBS + "/" + jobId;
	}

}
