package io.atelier.inference;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import ai.djl.Model;
import io.atelier.job.JobFinished;
import io.atelier.job.JobState;
import io.atelier.network.Architecture;
import io.atelier.store.Checkpoint;
import io.atelier.store.CheckpointMetadata;
import io.atelier.store.CheckpointStore;
import io.atelier.store.ModelCatalog;
import io.atelier.store.StoredModel;
import io.atelier.system.JobIds;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The models in the catalogue, trained or imported, and the ones loaded for serving. A model is loaded on first
 * use, warmed up and shared by every request; at most {@code atelier.inference.max-loaded-models} stay loaded,
 * the least recently used unloaded first. The default is the pinned model, else the newest.
 */
@Component
class ModelRegistry {

	private final CheckpointStore store;

	private final ModelCatalog catalog;

	private final ModelAliases aliases;

	private final InferenceProperties properties;

	static final String DEFAULT_ALIAS = ModelAliases.DEFAULT;

	private final LoadedModels loaded;

	private volatile List<Entry> models;

	/** Recorded models this version cannot serve: another version's architecture, during an upgrade. */
	private volatile Set<String> unservable = Set.of();

	ModelRegistry(CheckpointStore store, ModelCatalog catalog, ModelAliases aliases, InferenceProperties properties,
			MeterRegistry meters) {
		this.store = store;
		this.catalog = catalog;
		this.aliases = aliases;
		this.properties = properties;
		this.loaded = new LoadedModels(properties.maxLoadedModels(), this::load, meters);
		refresh();
	}

	List<ModelSummary> list() {
		String defaultId = defaultId();
		return models.stream().map(entry -> entry.summary(entry.jobId().equals(defaultId))).toList();
	}

	/** The model named, by id or alias ({@code default} included). */
	Optional<ModelSummary> find(String name) {
		String defaultId = defaultId();
		String id = DEFAULT_ALIAS.equals(name) ? defaultId : aliases.resolve(name);
		return entry(id).map(entry -> entry.summary(entry.jobId().equals(defaultId)));
	}

	synchronized ModelSummary pin(String jobId) {
		Entry entry = entry(jobId).orElseThrow(() -> ModelProblems.unknownModel(jobId));
		aliases.put(DEFAULT_ALIAS, jobId);
		return entry.summary(true);
	}

	/** Every alias with the model it names; {@code default} is the pinned model, if one is pinned. */
	Map<String, String> aliases() {
		return aliases.all();
	}

	/** Points an alias at a model; requests in flight finish with the model they resolved. */
	synchronized ModelSummary alias(String alias, String modelId) {
		if (DEFAULT_ALIAS.equals(alias)) {
			return pin(modelId);
		}
		Entry entry = entry(modelId).orElseThrow(() -> ModelProblems.unknownModel(modelId));
		if (entry(alias).isPresent()) {
			throw ModelProblems.aliasShadowsModel(alias);
		}
		aliases.put(alias, modelId);
		return entry.summary(entry.jobId().equals(defaultId()));
	}

	/** Removes an alias; removing {@code default} unpins, so the newest model is the default again. */
	synchronized void unalias(String alias) {
		if (!aliases.remove(alias)) {
			throw ModelProblems.unknownAlias(alias);
		}
	}

	/** Removes a model and its files; refused while an alias (or the default pin) names it. */
	synchronized void delete(String modelId) {
		entry(modelId).orElseThrow(() -> ModelProblems.unknownModel(modelId));
		List<String> naming = aliases().entrySet()
			.stream()
			.filter(alias -> alias.getValue().equals(modelId))
			.map(Map.Entry::getKey)
			.toList();
		if (!naming.isEmpty()) {
			throw ModelProblems.modelAliased(modelId, naming);
		}
		catalog.delete(modelId);
		refresh();
		// After the refresh, so that no request can load it again in between.
		loaded.unload(modelId);
	}

	/**
	 * The model to serve, leased for one request: the one named, by id or alias, or the default;
	 * (re)loaded if it is not loaded. The request closes the lease when done with the model.
	 */
	ServingModel.Lease borrow(String jobId) {
		String id = jobId == null || DEFAULT_ALIAS.equals(jobId) ? defaultId() : aliases.resolve(jobId);
		if (id == null) {
			refresh();
			id = defaultId();
		}
		if (id == null) {
			throw ModelProblems.noModelYet();
		}
		if (!loaded.isLoaded(id) && entry(id).isEmpty()) {
			throw ModelProblems.unknownModel(id);
		}
		return loaded.borrow(id);
	}

	/** A model's files and metadata on the volume. */
	Optional<Entry> stored(String modelId) {
		return entry(modelId);
	}

	/**
	 * Takes in what changed behind this registry's back: models that a worker trained or another replica
	 * imported or deleted, aliases and the pin set through another replica. Two queries, no store listing.
	 */
	void rescan() {
		aliases.reload();
		refresh();
	}

	/** Checkpoints that should be models but cannot be read, by where they are, with the reason. */
	Map<String, String> unreadable() {
		return store.unreadable();
	}

	/** A succeeded job's final model is on the volume by the time it is announced. */
	@EventListener
	void onJobFinished(JobFinished finished) {
		if (finished.state() == JobState.SUCCEEDED) {
			refresh();
		}
	}

	@PreDestroy
	void close() {
		loaded.close();
	}

	private String defaultId() {
		List<Entry> current = models;
		String pinned = aliases.all().get(DEFAULT_ALIAS);
		if (pinned != null && current.stream().anyMatch(entry -> entry.jobId().equals(pinned))) {
			return pinned;
		}
		return current.isEmpty() ? null : current.get(0).jobId();
	}

	/**
	 * The model of that id. One this replica has not seen yet, which a worker or another replica recorded
	 * since its last refresh, is looked up in the catalogue at once: a caller who saw the job succeed
	 * through any replica can use its model through this one straight away. The lookup is by key; the
	 * catalogue is re-read, under this registry's lock, only when the model is there, so that requests
	 * for ids nobody recorded cannot keep every replica listing it.
	 */
	private Optional<Entry> entry(String jobId) {
		Optional<Entry> known = known(jobId);
		if (known.isEmpty() && JobIds.isValid(jobId) && !unservable.contains(jobId) && catalog.contains(jobId)) {
			refresh();
			known = known(jobId);
		}
		return known;
	}

	private Optional<Entry> known(String jobId) {
		return models.stream().filter(entry -> entry.jobId().equals(jobId)).findFirst();
	}

	/**
	 * The catalogue, newest first; a model of an architecture this version does not know (nor TorchScript) is
	 * not served.
	 */
	private synchronized void refresh() {
		Map<Boolean, List<Entry>> byServable = catalog.models()
			.stream()
			.map(model -> new Entry(model.checkpoint(), model.metadata(), source(model.source())))
			.collect(Collectors.partitioningBy(Entry::isServable));
		models = List.copyOf(byServable.get(true));
		unservable = byServable.get(false).stream().map(Entry::jobId).collect(Collectors.toUnmodifiableSet());
	}

	private static String source(StoredModel.Source source) {
		return source == StoredModel.Source.IMPORTED ? ModelSummary.IMPORTED : ModelSummary.TRAINED;
	}

	/** Loads a model and runs one forward pass, so that its first request does not pay for the engine's first. */
	private ServingModel load(String id) {
		Entry entry = entry(id).orElseThrow(() -> ModelProblems.unknownModel(id));
		CheckpointMetadata metadata = entry.metadata();
		Model model = entry.isTorchScript() ? loadTorchScript(entry) : loadTrained(entry);
		ServingModel serving;
		try {
			serving = new ServingModel(entry.jobId(), metadata.epoch(), metadata.classNames(),
					metadata.inputOrDefault(), model, properties.predictorsPerModel(), properties.predictorWait());
		}
		catch (RuntimeException ex) {
			model.close();
			throw ex;
		}
		try {
			CheckpointMetadata.Input input = metadata.inputOrDefault();
			serving.probabilities(new ServingModel.Images(
					new float[input.channels() * input.height() * input.width()], 1, input.channels(), input.height(),
					input.width()));
			return serving;
		}
		catch (RuntimeException ex) {
			serving.close();
			throw ex;
		}
	}

	/** An architecture's network with the parameters on the volume. */
	private Model loadTrained(Entry entry) {
		Architecture architecture = Architecture.byId(entry.metadata().architecture()).orElseThrow();
		Model model = architecture.newEmptyModel(entry.metadata().classNames().size());
		try {
			store.loadParameters(entry.checkpoint(), model.getBlock(), model.getNDManager());
			model.getBlock().freezeParameters(true);
			return model;
		}
		catch (RuntimeException ex) {
			model.close();
			throw ex;
		}
	}

	/** The imported archive, streamed from the volume into the engine's TorchScript loader. */
	private Model loadTorchScript(Entry entry) {
		AtomicReference<Model> model = new AtomicReference<>();
		store.readTorchScript(entry.checkpoint(),
				in -> model.set(TorchScript.load(in, new TorchScript.Archive(null))));
		return model.get();
	}

	record Entry(Checkpoint checkpoint, CheckpointMetadata metadata, String source) {

		boolean isTorchScript() {
			return TorchScript.ARCHITECTURE.equals(metadata.architecture());
		}

		boolean isServable() {
			return isTorchScript() || Architecture.byId(metadata.architecture()).isPresent();
		}

		String jobId() {
			return checkpoint.jobId();
		}

		ModelSummary summary(boolean isDefault) {
			Object accuracy = metadata.metrics() == null ? null : metadata.metrics().get("testAccuracy");
			return new ModelSummary(jobId(), metadata.epoch(), metadata.architecture(), metadata.dataset(),
					metadata.classNames(), accuracy instanceof Number number ? number.doubleValue() : null,
					checkpoint.savedAt(), isDefault, source, metadata.name(), metadata.inputOrDefault());
		}

	}

}
