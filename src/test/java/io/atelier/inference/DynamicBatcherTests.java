package io.atelier.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import io.atelier.network.Architecture;
import io.atelier.store.CheckpointMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

class DynamicBatcherTests {

	private static final int PIXELS = 28 * 28;

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final DynamicBatcher.Meters meters = new DynamicBatcher.Meters(
			DistributionSummary.builder("batch").register(registry), Timer.builder("wait").register(registry),
			Counter.builder("refused").register(registry), Counter.builder("timeouts").register(registry));

	private final ExecutorService clients = Executors.newCachedThreadPool();

	/** Batch sizes the engine was given, in order. */
	private final List<Integer> passes = new CopyOnWriteArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void stop() {
		release.countDown();
		clients.shutdownNow();
	}

	@Test
	void batchedProbabilitiesEqualUnbatchedOnesToOneMillionth() throws Exception {
		try (ServingModel model = new ServingModel("m", 1, classes(),
				new CheckpointMetadata.Input(1, 28, 28), seedCnn(), 4, Duration.ofSeconds(5))) {
			float[][] images = randomImages(64);
			float[][] alone = new float[images.length][];
			for (int i = 0; i < images.length; i++) {
				alone[i] = model.probabilities(image(images[i]))[0];
			}
			DynamicBatcher batcher = new DynamicBatcher("m", recording(model::probabilities), properties(32, 0, 1024,
					Duration.ofSeconds(30)), meters);
			List<Future<?>> work = new ArrayList<>();
			for (int client = 0; client < 16; client++) {
				int offset = client;
				work.add(clients.submit(() -> {
					for (int r = 0; r < 200; r++) {
						int i = (r + offset) % images.length;
						float[] batched = batcher.probabilities(image(images[i]));
						for (int k = 0; k < batched.length; k++) {
							assertThat(batched[k]).as("image %d class %d", i, k).isCloseTo(alone[i][k], within(1e-6f));
						}
					}
					return null;
				}));
			}
			for (Future<?> future : work) {
				future.get(60, TimeUnit.SECONDS);
			}
			assertThat(passes).as("some passes were shared").anyMatch(size -> size > 1);
			assertThat(passes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(16 * 200);
			assertThat(meters.batchSize().count()).isEqualTo(passes.size());
		}
	}

	@Test
	void aRequestThatFindsTheEngineIdleRunsAtOnceAndAlone() {
		DynamicBatcher batcher = new DynamicBatcher("m", recording(this::echo), properties(32, 0, 8, Duration.ofSeconds(1)),
				meters);
		for (int i = 0; i < 5; i++) {
			assertThat(batcher.probabilities(image(pixels(i)))[0]).isEqualTo(i);
		}
		assertThat(passes).containsExactly(1, 1, 1, 1, 1);
		assertThat(meters.queueWait().max(TimeUnit.MILLISECONDS)).isLessThan(50);
	}

	@Test
	void requestsArrivingDuringAPassGoTogetherInTheNextUpToTheBatchSize() throws Exception {
		DynamicBatcher batcher = new DynamicBatcher("m", recording(blockingFirstPass(this::echo)),
				properties(3, 0, 16, Duration.ofSeconds(10)), meters);
		List<Future<float[]>> answers = new ArrayList<>();
		answers.add(clients.submit(() -> batcher.probabilities(image(pixels(0)))));
		await().until(() -> passes.size() == 1);
		for (int i = 1; i <= 7; i++) {
			int value = i;
			answers.add(clients.submit(() -> batcher.probabilities(image(pixels(value)))));
		}
		await().until(() -> batcher.queued() == 7);
		release.countDown();
		for (int i = 0; i < answers.size(); i++) {
			assertThat(answers.get(i).get(10, TimeUnit.SECONDS)[0]).as("each request gets its own answer").isEqualTo(i);
		}
		assertThat(passes).containsExactly(1, 3, 3, 1);
	}

	@Test
	void aFullQueueIsRefusedAtOnceWithA503AndRetryAfter() throws Exception {
		DynamicBatcher batcher = new DynamicBatcher("m", recording(blockingFirstPass(this::echo)),
				properties(32, 0, 2, Duration.ofSeconds(10)), meters);
		clients.submit(() -> batcher.probabilities(image(pixels(0))));
		await().until(() -> passes.size() == 1);
		clients.submit(() -> batcher.probabilities(image(pixels(1))));
		clients.submit(() -> batcher.probabilities(image(pixels(2))));
		await().until(() -> batcher.queued() == 2);
		long start = System.nanoTime();
		assertThatThrownBy(() -> batcher.probabilities(image(pixels(3)))).isInstanceOfSatisfying(
				ServingBusyException.class, busy -> {
					assertThat(busy.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
					assertThat(busy.getHeaders().getFirst("Retry-After")).isEqualTo("1");
					assertThat(busy.getBody().getDetail()).contains("2 predictions are already waiting for model 'm'");
				});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(meters.refused().count()).isEqualTo(1);
	}

	@Test
	void aRequestWaitingPastItsDeadlineGetsA503AndLeavesTheQueue() throws Exception {
		DynamicBatcher batcher = new DynamicBatcher("m", recording(blockingFirstPass(this::echo)),
				properties(32, 0, 8, Duration.ofMillis(200)), meters);
		Future<float[]> first = clients.submit(() -> batcher.probabilities(image(pixels(0))));
		await().until(() -> passes.size() == 1);
		assertThatThrownBy(() -> batcher.probabilities(image(pixels(1)))).isInstanceOfSatisfying(
				ServingBusyException.class, busy -> assertThat(busy.getBody().getDetail()).contains("waited 200 ms"));
		assertThat(batcher.queued()).isZero();
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)[0]).isZero();
		assertThat(batcher.probabilities(image(pixels(2)))[0]).isEqualTo(2);
		assertThat(passes).containsExactly(1, 1);
		assertThat(meters.timedOut().count()).isEqualTo(1);
	}

	@Test
	void aFailedPassFailsEveryRequestInItAndTheNextPassRuns() throws Exception {
		Function<ServingModel.Images, float[][]> failsWhenShared = images -> {
			if (images.count() > 1) {
				throw new IllegalStateException("engine failure");
			}
			return echo(images);
		};
		DynamicBatcher batcher = new DynamicBatcher("m", recording(blockingFirstPass(failsWhenShared)),
				properties(32, 0, 8, Duration.ofSeconds(10)), meters);
		Future<float[]> first = clients.submit(() -> batcher.probabilities(image(pixels(0))));
		await().until(() -> passes.size() == 1);
		Future<float[]> second = clients.submit(() -> batcher.probabilities(image(pixels(1))));
		Future<float[]> third = clients.submit(() -> batcher.probabilities(image(pixels(2))));
		await().until(() -> batcher.queued() == 2);
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)[0]).isZero();
		for (Future<float[]> failed : List.of(second, third)) {
			assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("engine failure");
		}
		assertThat(batcher.probabilities(image(pixels(3)))[0]).isEqualTo(3);
	}

	@Test
	void aMaxDelayWaitsForMoreRequestsToFillThePass() throws Exception {
		DynamicBatcher batcher = new DynamicBatcher("m", recording(this::echo), properties(4, 2_000, 8,
				Duration.ofSeconds(10)), meters);
		List<Future<float[]>> answers = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < 4; i++) {
			int value = i;
			answers.add(clients.submit(() -> batcher.probabilities(image(pixels(value)))));
		}
		for (int i = 0; i < 4; i++) {
			assertThat(answers.get(i).get(10, TimeUnit.SECONDS)[0]).isEqualTo(i);
		}
		assertThat(passes).containsExactly(4);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a full pass runs without waiting out the delay")
			.isLessThan(Duration.ofMillis(1_500));
	}

	@Test
	void parallelPassesLetThatManyRequestsRunAtOnce() throws Exception {
		CountDownLatch bothRunning = new CountDownLatch(2);
		DynamicBatcher batcher = new DynamicBatcher("m", recording(images -> {
			bothRunning.countDown();
			try {
				assertThat(bothRunning.await(5, TimeUnit.SECONDS)).as("the other pass runs meanwhile").isTrue();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			return echo(images);
		}), new BatchingProperties(true, 32, Duration.ZERO, 2, 8, Duration.ofSeconds(10)), meters);
		Future<float[]> one = clients.submit(() -> batcher.probabilities(image(pixels(1))));
		Future<float[]> two = clients.submit(() -> batcher.probabilities(image(pixels(2))));
		assertThat(one.get(10, TimeUnit.SECONDS)[0]).isEqualTo(1);
		assertThat(two.get(10, TimeUnit.SECONDS)[0]).isEqualTo(2);
		assertThat(passes).containsExactly(1, 1);
	}

	private static BatchingProperties properties(int maxBatchSize, long maxDelayMillis, int capacity, Duration timeout) {
		return new BatchingProperties(true, maxBatchSize, Duration.ofMillis(maxDelayMillis), 1, capacity, timeout);
	}

	private Function<ServingModel.Images, float[][]> recording(Function<ServingModel.Images, float[][]> engine) {
		return images -> {
			passes.add(images.count());
			return engine.apply(images);
		};
	}

	private Function<ServingModel.Images, float[][]> blockingFirstPass(Function<ServingModel.Images, float[][]> engine) {
		return images -> {
			if (passes.size() == 1) {
				try {
					release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return engine.apply(images);
		};
	}

	/** Each image's answer is its first pixel, so that a mixed-up answer shows. */
	private float[][] echo(ServingModel.Images images) {
		float[][] rows = new float[images.count()][];
		for (int i = 0; i < images.count(); i++) {
			rows[i] = new float[] { images.pixels()[i * PIXELS] };
		}
		return rows;
	}

	private static float[] pixels(int value) {
		float[] pixels = new float[PIXELS];
		pixels[0] = value;
		return pixels;
	}

	private static ServingModel.Images image(float[] pixels) {
		return new ServingModel.Images(pixels, 1, 28, 28);
	}

	private static float[][] randomImages(int count) {
		Random random = new Random(13);
		float[][] images = new float[count][PIXELS];
		for (float[] image : images) {
			for (int i = 0; i < PIXELS; i++) {
				image[i] = random.nextInt(256) / 255f;
			}
		}
		return images;
	}

	private static Model seedCnn() {
		return Architecture.SEED_CNN.newModel(10, new Shape(1, 1, 28, 28), 7);
	}

	private static List<String> classes() {
		return List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
	}

}
