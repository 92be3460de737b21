package io.atelier.inference;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded for serving, at most {@code capacity} of them: loading one more unloads the
 * least recently used. A model is loaded once however many requests ask for it at the same time,
 * and an unloaded model is retired rather than closed, so that requests holding it finish with it.
 */
final class LoadedModels implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LoadedModels.class);

	private final int capacity;

	private final Function<String, ServingModel> loader;

	private final Map<String, ServingModel> loaded = new ConcurrentHashMap<>();

	private final Map<String, CompletableFuture<Void>> loading = new ConcurrentHashMap<>();

	private final Object evicting = new Object();

	private final Timer loadTime;

	private final Counter loads;

	private final Counter evictions;

	private final Counter unloadsEvicted;

	private final Counter unloadsDeleted;

	/**
	 * @param loader loads a model by id, warmed up and ready to serve, or throws why it cannot
	 */
	LoadedModels(int capacity, Function<String, ServingModel> loader, MeterRegistry meters) {
		this.capacity = capacity;
		this.loader = loader;
		this.loadTime = Timer.builder("atelier.model.load.duration")
			.description("Time to load a model for serving, warm-up included")
			.register(meters);
		this.loads = Counter.builder("atelier.model.loads")
			.description("Models loaded for serving, reloads after an eviction included")
			.register(meters);
		this.evictions = Counter.builder("atelier.model.evictions")
			.description("Least recently used models unloaded to stay within atelier.inference.max-loaded-models")
			.register(meters);
		this.unloadsEvicted = unloads("evicted", meters);
		this.unloadsDeleted = unloads("deleted", meters);
		Gauge.builder("atelier.models.loaded", loaded, Map::size)
			.description("Models loaded for serving")
			.register(meters);
	}

	/** A lease on the model, loaded first if it is not; close the lease when the request is done with it. */
	ServingModel.Lease borrow(String id) {
		while (true) {
			ServingModel ready = loaded.get(id);
			Optional<ServingModel.Lease> lease = ready == null ? load(id) : ready.lease();
			if (lease.isPresent()) {
				return lease.get();
			}
			// Unloaded between the look-up and the lease, or loaded by another request: look again.
		}
	}

	/** Whether the model is loaded now. */
	boolean isLoaded(String id) {
		return loaded.containsKey(id);
	}

	int size() {
		return loaded.size();
	}

	private static Counter unloads(String reason, MeterRegistry meters) {
		return Counter.builder("atelier.model.unloads")
			.description("Models unloaded from serving: evicted as least recently used, or deleted")
			.tag("reason", reason)
			.register(meters);
	}

	/** Unloads a deleted model; requests holding it finish with it. */
	void unload(String id) {
		if (remove(id)) {
			unloadsDeleted.increment();
		}
	}

	@Override
	public void close() {
		loaded.keySet().forEach(this::remove);
	}

	private boolean remove(String id) {
		ServingModel model = loaded.remove(id);
		if (model == null) {
			return false;
		}
		model.close();
		return true;
	}

	/**
	 * Loads the model and leases it to this request before any other request can unload it; a
	 * request that finds it already being loaded waits for that load and answers empty.
	 */
	private Optional<ServingModel.Lease> load(String id) {
		CompletableFuture<Void> mine = new CompletableFuture<>();
		CompletableFuture<Void> theirs = loading.putIfAbsent(id, mine);
		if (theirs != null) {
			await(theirs);
			return Optional.empty();
		}
		try {
			if (loaded.containsKey(id)) {
				return Optional.empty();
			}
			ServingModel model = loadTime.record(() -> loader.apply(id));
			ServingModel.Lease lease = model.lease().orElseThrow();
			loaded.put(id, model);
			loads.increment();
			evictBeyondCapacity();
			return Optional.of(lease);
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			mine.complete(null);
			loading.remove(id, mine);
		}
	}

	private void evictBeyondCapacity() {
		synchronized (evicting) {
			while (loaded.size() > capacity) {
				Optional<ServingModel> oldest = loaded.values()
					.stream()
					.min(Comparator.comparingLong(ServingModel::lastUsed));
				if (oldest.isEmpty()) {
					return;
				}
				if (loaded.remove(oldest.get().jobId(), oldest.get())) {
					evictions.increment();
					unloadsEvicted.increment();
					log.debug("Unloaded model {}, the least recently used, to keep {} loaded", oldest.get().jobId(),
							capacity);
					oldest.get().close();
				}
			}
		}
	}

	/** Another request's load: its failure is this request's too, as if it had loaded the model itself. */
	private static void await(CompletableFuture<Void> load) {
		try {
			load.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

}
