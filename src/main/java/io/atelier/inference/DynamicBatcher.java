package io.atelier.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import lombok.RequiredArgsConstructor;

/**
 * Merges concurrent single-image requests for one model into shared forward passes, without a
 * thread of its own: a request that finds a pass free runs it on its own thread at once; the others
 * queue, and when a pass ends the oldest waiting request is woken to run the next one for everything
 * queued by then (up to the batch size). At low load nothing waits; under load each pass carries
 * what arrived during the previous one.
 */
@RequiredArgsConstructor
final class DynamicBatcher {

	/** Completes a waiting request's future to tell it that it runs the next pass. */
	private static final float[] YOUR_TURN = new float[0];

	private final String modelId;

	private final Function<ServingModel.Images, float[][]> engine;

	private final BatchingProperties properties;

	private final Meters meters;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition arrived = lock.newCondition();

	private final ArrayDeque<Pending> queue = new ArrayDeque<>();

	private int running;

	/** The class probabilities of one image, from a pass it may share with others. */
	float[] probabilities(ServingModel.Images image) {
		if (image.count() != 1) {
			throw new IllegalArgumentException("One image at a time; got " + image.count());
		}
		Pending request = new Pending(image, System.nanoTime());
		boolean runNow;
		lock.lock();
		try {
			runNow = running < properties.parallelPasses();
			if (runNow) {
				running++;
			}
			else if (queue.size() >= properties.queueCapacity()) {
				meters.refused().increment();
				throw new ServingBusyException(queue.size() + " predictions are already waiting for model '"
						+ modelId + "' to be free; retry shortly.");
			}
			else {
				queue.addLast(request);
				if (!properties.maxDelay().isZero()) {
					arrived.signal();
				}
			}
		}
		finally {
			lock.unlock();
		}
		if (runNow) {
			return lead(request);
		}
		float[] answer = awaitTurn(request);
		return answer == YOUR_TURN ? lead(request) : answer;
	}

	/** Requests waiting for a pass. */
	int queued() {
		lock.lock();
		try {
			return queue.size();
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Runs a pass for the request and what has queued, then hands the engine to the next in line.
	 * The leader's own answer is returned: its future already carries the turn.
	 */
	private float[] lead(Pending request) {
		try {
			return run(collect(request));
		}
		finally {
			handOff();
		}
	}

	private List<Pending> collect(Pending leader) {
		List<Pending> batch = new ArrayList<>();
		batch.add(leader);
		lock.lock();
		try {
			long remaining = properties.maxDelay().toNanos();
			while (remaining > 0 && queue.size() < properties.maxBatchSize() - 1) {
				remaining = arrived.awaitNanos(remaining);
			}
			while (batch.size() < properties.maxBatchSize() && !queue.isEmpty()) {
				batch.add(queue.pollFirst());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			lock.unlock();
		}
		return batch;
	}

	private float[] run(List<Pending> batch) {
		long start = System.nanoTime();
		int count = batch.size();
		ServingModel.Images first = batch.get(0).image();
		int size = first.pixelsPerImage();
		ServingModel.Images images = first;
		if (count > 1) {
			float[] pixels = new float[count * size];
			for (int i = 0; i < count; i++) {
				System.arraycopy(batch.get(i).image().pixels(), 0, pixels, i * size, size);
			}
			images = new ServingModel.Images(pixels, count, first.channels(), first.rows(), first.cols());
		}
		for (Pending request : batch) {
			meters.queueWait().record(start - request.queuedAt(), TimeUnit.NANOSECONDS);
		}
		meters.batchSize().record(count);
		try {
			float[][] rows = engine.apply(images);
			for (int i = 1; i < count; i++) {
				batch.get(i).result().complete(rows[i]);
			}
			return rows[0];
		}
		catch (RuntimeException | Error ex) {
			for (int i = 1; i < count; i++) {
				batch.get(i).result().completeExceptionally(ex);
			}
			throw ex;
		}
	}

	private void handOff() {
		Pending next;
		lock.lock();
		try {
			next = queue.pollFirst();
			if (next == null) {
				running--;
				return;
			}
		}
		finally {
			lock.unlock();
		}
		next.result().complete(YOUR_TURN);
	}

	/**
	 * Waits until the request's pass has answered it or it is its turn to run one; past the
	 * deadline, a request still in the queue leaves it with a 503. One already taken into a pass
	 * waits for that pass, which is running.
	 */
	private float[] awaitTurn(Pending request) {
		try {
			return request.result().get(properties.queueTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | InterruptedException ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			boolean removed;
			lock.lock();
			try {
				removed = queue.remove(request);
			}
			finally {
				lock.unlock();
			}
			if (removed) {
				meters.timedOut().increment();
				throw new ServingBusyException("The prediction waited " + properties.queueTimeout().toMillis()
						+ " ms for the model to be free; retry shortly.");
			}
			try {
				return request.result().join();
			}
			catch (CompletionException failed) {
				throw rethrown(failed.getCause());
			}
		}
		catch (ExecutionException ex) {
			throw rethrown(ex.getCause());
		}
	}

	/** The pass's own exception, so that a failure looks the same batched or not. */
	private static RuntimeException rethrown(Throwable cause) {
		if (cause instanceof Error error) {
			throw error;
		}
		return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
	}

	private record Pending(ServingModel.Images image, long queuedAt, CompletableFuture<float[]> result) {

		Pending(ServingModel.Images image, long queuedAt) {
			this(image, queuedAt, new CompletableFuture<>());
		}

	}

	/** Shared by every model's batcher. */
	record Meters(DistributionSummary batchSize, Timer queueWait, Counter refused, Counter timedOut) {
	}

}
