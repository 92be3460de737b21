package io.atelier.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.atelier.network.Architecture;
import io.atelier.store.CheckpointMetadata;
import io.atelier.testing.Concurrently;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bound on loaded models with small real models: the least recently used is unloaded, a model a
 * request still holds is closed only when that request is done, and every DJL model is closed once.
 */
class LoadedModelsTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final Map<String, AtomicInteger> loadsById = new ConcurrentHashMap<>();

	private final List<Model> created = java.util.Collections.synchronizedList(new ArrayList<>());

	private int engineArraysBefore;

	@BeforeEach
	void countEngineArrays() {
		engineArraysBefore = engineArrays();
	}

	@AfterEach
	void everyModelIsClosed() {
		assertThat(created).allSatisfy(model -> assertThat(model.getNDManager().isOpen()).isFalse());
		assertThat(engineArrays()).isEqualTo(engineArraysBefore);
	}

	@Test
	void theLeastRecentlyUsedModelIsUnloadedAndReloadedOnItsNextRequest() {
		try (LoadedModels models = new LoadedModels(2, this::load, meters)) {
			models.borrow("a").close();
			models.borrow("b").close();
			models.borrow("a").close();
			models.borrow("c").close();
			assertThat(models.isLoaded("a")).isTrue();
			assertThat(models.isLoaded("b")).as("least recently used").isFalse();
			assertThat(models.isLoaded("c")).isTrue();
			assertThat(created.get(1).getNDManager().isOpen()).as("b is closed once unloaded").isFalse();

			models.borrow("b").close();
			assertThat(models.isLoaded("a")).isFalse();
			assertThat(loadsById.get("b")).hasValue(2);
			assertThat(meters.get("atelier.model.loads").counter().count()).isEqualTo(4);
			assertThat(meters.get("atelier.model.evictions").counter().count()).isEqualTo(2);
			assertThat(meters.get("atelier.models.loaded").gauge().value()).isEqualTo(2);
			assertThat(meters.get("atelier.model.load.duration").timer().count()).isEqualTo(4);
			assertThat(meters.get("atelier.model.unloads").tag("reason", "evicted").counter().count()).isEqualTo(2);
		}
	}

	@Test
	void unloadingADeletedModelCountsAsAnUnloadAndAModelNotLoadedDoesNot() {
		try (LoadedModels models = new LoadedModels(2, this::load, meters)) {
			models.borrow("a").close();
			models.unload("a");
			models.unload("a");
			models.unload("never-loaded");
			assertThat(models.isLoaded("a")).isFalse();
			assertThat(created.get(0).getNDManager().isOpen()).as("a is closed once unloaded").isFalse();
			assertThat(meters.get("atelier.model.unloads").tag("reason", "deleted").counter().count()).isEqualTo(1);
			assertThat(meters.get("atelier.model.unloads").tag("reason", "evicted").counter().count()).isZero();
			assertThat(meters.get("atelier.models.loaded").gauge().value()).isZero();
		}
	}

	@Test
	void aModelUnloadedWhileARequestHoldsItServesThatRequestAndClosesWhenItIsDone() {
		try (LoadedModels models = new LoadedModels(1, this::load, meters)) {
			ServingModel.Lease held = models.borrow("a");
			models.borrow("b").close();
			assertThat(models.isLoaded("a")).isFalse();
			assertThat(held.model().isClosed()).isFalse();
			assertThat(held.model().probabilities(image())[0]).hasSize(10);

			held.close();
			assertThat(held.model().isClosed()).isTrue();
			assertThat(created.get(0).getNDManager().isOpen()).isFalse();
			held.close();
			assertThat(held.model().lease()).as("a retired model takes no new request").isEmpty();
		}
	}

	@Test
	void concurrentRequestsForAModelNotLoadedLoadItOnce() throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(6);
		CountDownLatch start = new CountDownLatch(1);
		try (LoadedModels models = new LoadedModels(2, this::load, meters)) {
			List<Future<String>> answers = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				answers.add(clients.submit(() -> {
					start.await();
					try (ServingModel.Lease lease = models.borrow("a")) {
						return lease.model().jobId();
					}
				}));
			}
			start.countDown();
			for (Future<String> answer : answers) {
				assertThat(answer.get()).isEqualTo("a");
			}
			assertThat(loadsById.get("a")).hasValue(1);
		}
		finally {
			clients.shutdownNow();
		}
	}

	@Test
	void alternatingRequestsBeyondTheBoundAllAnswerFromTheirModel() throws Exception {
		try (LoadedModels models = new LoadedModels(1, this::load, meters)) {
			Concurrently.run(4, client -> {
				for (int i = 0; i < 25; i++) {
					String id = (client + i) % 2 == 0 ? "a" : "b";
					try (ServingModel.Lease lease = models.borrow(id)) {
						assertThat(lease.model().jobId()).isEqualTo(id);
						assertThat(lease.model().probabilities(image())[0]).hasSize(10);
					}
				}
			});
			assertThat(models.size()).isEqualTo(1);
			assertThat(meters.get("atelier.model.evictions").counter().count()).isPositive();
			assertThat(created.stream().filter(model -> model.getNDManager().isOpen())).as("only the loaded one is open")
				.hasSize(1);
		}
	}

	@Test
	void aModelThatCannotBeLoadedFailsTheRequestAndIsTriedAgainOnTheNext() {
		LoadedModels models = new LoadedModels(1, id -> {
			throw ModelProblems.unknownModel(id);
		}, meters);
		assertThatThrownBy(() -> models.borrow("gone")).isInstanceOf(ErrorResponseException.class);
		assertThatThrownBy(() -> models.borrow("gone")).isInstanceOf(ErrorResponseException.class);
		assertThat(models.size()).isZero();
		assertThat(meters.get("atelier.model.loads").counter().count()).isZero();
	}

	private ServingModel load(String id) {
		loadsById.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
		Model model = Architecture.SEED_CNN.newModel(10, new Shape(1, 1, 28, 28), id.hashCode());
		created.add(model);
		return new ServingModel(id, 1, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
				CheckpointMetadata.FASHION_MNIST_INPUT, model, 2, Duration.ofSeconds(5));
	}

	private static ServingModel.Images image() {
		return new ServingModel.Images(new float[28 * 28], 1, 28, 28);
	}

	private static int engineArrays() {
		try (NDManager probe = NDManager.newBaseManager()) {
			return probe.getParentManager().getManagedArrays().size();
		}
	}

}
