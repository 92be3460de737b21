package io.atelier.inference;

import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.atelier.store.CheckpointMetadata;

/**
 * One trained model loaded for serving, with a pool of DJL predictors: a predictor is not
 * thread-safe, so each request borrows one and gives it back. Its parameters are frozen, so no
 * request records an autograd graph whatever the thread's grad mode.
 * <p>
 * A request holds a {@link Lease} on the model for as long as it uses it. A model unloaded while
 * requests hold it is retired: it takes no new lease and is closed, predictors and all, when the
 * last lease is given back, so that no request ever runs on a closed model.
 */
final class ServingModel implements AutoCloseable {

	private final String jobId;

	private final int epoch;

	private final List<String> classNames;

	private final CheckpointMetadata.Input input;

	private final Model model;

	private final BlockingQueue<Predictor<Images, float[][]>> predictors;

	private final Duration wait;

	private int leases;

	private boolean retired;

	private boolean closed;

	private volatile long lastUsed = System.nanoTime();

	private DynamicBatcher batcher;

	ServingModel(String jobId, int epoch, List<String> classNames, CheckpointMetadata.Input input, Model model,
			int poolSize, Duration wait) {
		this.jobId = jobId;
		this.epoch = epoch;
		this.classNames = classNames;
		this.input = input;
		this.model = model;
		this.wait = wait;
		this.predictors = new ArrayBlockingQueue<>(poolSize);
		for (int i = 0; i < poolSize; i++) {
			predictors.add(model.newPredictor(new ProbabilitiesTranslator()));
		}
	}

	String jobId() {
		return jobId;
	}

	int epoch() {
		return epoch;
	}

	List<String> classNames() {
		return classNames;
	}

	/** 1 for grayscale, 3 for RGB. */
	int channels() {
		return input.channels();
	}

	/** Whether {@code invert=auto} may invert a light-bordered image: for models of light-on-dark images. */
	boolean invertsLight() {
		return input.invertsLight();
	}

	/** The height of the images the model takes, in pixels. */
	int height() {
		return input.height();
	}

	/** The width of the images the model takes, in pixels. */
	int width() {
		return input.width();
	}

	/**
	 * A request is a few hundred microseconds of tensor work on tiny tensors: splitting each operation
	 * over cores costs more in synchronisation than it saves, and the concurrent requests already
	 * occupy the cores. libtorch's thread count is per calling thread, so this leaves training alone.
	 */
	private static final ThreadLocal<Boolean> SINGLE_THREADED = ThreadLocal.withInitial(() -> {
		JniUtils.setNumThreads(1);
		return true;
	});

	/** The class probabilities of each image, in one forward pass. */
	float[][] probabilities(Images images) {
		SINGLE_THREADED.get();
		Predictor<Images, float[][]> predictor = borrow();
		try {
			return predictor.predict(images);
		}
		catch (TranslateException ex) {
			throw new IllegalStateException("Prediction failed with model " + jobId, ex);
		}
		finally {
			predictors.add(predictor);
		}
	}

	private Predictor<Images, float[][]> borrow() {
		try {
			Predictor<Images, float[][]> predictor = predictors.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
			if (predictor == null) {
				throw new ServingBusyException(wait);
			}
			return predictor;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ServingBusyException(wait);
		}
	}

	/** A lease for one request, or none once the model is retired. */
	synchronized Optional<Lease> lease() {
		if (retired) {
			return Optional.empty();
		}
		leases++;
		lastUsed = System.nanoTime();
		return Optional.of(new Lease(this));
	}

	/** When a lease on it was last taken, in {@link System#nanoTime()}. */
	long lastUsed() {
		return lastUsed;
	}

	/** Whether its predictors and DJL model are closed. */
	synchronized boolean isClosed() {
		return closed;
	}

	/** This model's batcher, made on first use: it lives and goes with the model. */
	synchronized DynamicBatcher batcher(Function<ServingModel, DynamicBatcher> create) {
		if (batcher == null) {
			batcher = create.apply(this);
		}
		return batcher;
	}

	private void release() {
		synchronized (this) {
			leases--;
			if (!retired || leases > 0 || closed) {
				return;
			}
			closed = true;
		}
		closeNow();
	}

	/**
	 * Takes no new lease and closes the model once no request holds it: at once if none does, else
	 * when the last one gives its lease back. Closing twice closes nothing twice.
	 */
	@Override
	public void close() {
		synchronized (this) {
			retired = true;
			if (leases > 0 || closed) {
				return;
			}
			closed = true;
		}
		closeNow();
	}

	/** Every predictor is back by now; the wait only guards against one that is not. */
	private void closeNow() {
		int done = 0;
		int size = predictors.remainingCapacity() + predictors.size();
		while (done < size) {
			try {
				Predictor<Images, float[][]> predictor = predictors.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
				if (predictor == null) {
					break;
				}
				predictor.close();
				done++;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		model.close();
	}

	/** A request's hold on a model: the model stays open until every lease on it is closed. */
	static final class Lease implements AutoCloseable {

		private final ServingModel model;

		private final AtomicBoolean open = new AtomicBoolean(true);

		private Lease(ServingModel model) {
			this.model = model;
		}

		ServingModel model() {
			return model;
		}

		@Override
		public void close() {
			if (open.compareAndSet(true, false)) {
				model.release();
			}
		}

	}

	/** Preprocessed images: {@code count} images of {@code channels} planes of {@code rows}×{@code cols} scaled pixels. */
	record Images(float[] pixels, int count, int channels, int rows, int cols) {

		/** Grayscale images. */
		Images(float[] pixels, int count, int rows, int cols) {
			this(pixels, count, 1, rows, cols);
		}

		int pixelsPerImage() {
			return channels * rows * cols;
		}

	}

	private static final class ProbabilitiesTranslator implements Translator<Images, float[][]> {

		/** The input is already a batch; DJL's default would stack it into another dimension. */
		@Override
		public Batchifier getBatchifier() {
			return null;
		}

		@Override
		public NDList processInput(TranslatorContext context, Images input) {
			return new NDList(context.getNDManager()
				.create(FloatBuffer.wrap(input.pixels()), new Shape(input.count(), input.channels(), input.rows(), input.cols())));
		}

		@Override
		public float[][] processOutput(TranslatorContext context, NDList list) {
			NDArray logits = list.singletonOrThrow();
			int count = Math.toIntExact(logits.getShape().get(0));
			int classes = Math.toIntExact(logits.getShape().get(1));
			float[] flat = logits.softmax(1).toFloatArray();
			float[][] rows = new float[count][classes];
			for (int i = 0; i < count; i++) {
				System.arraycopy(flat, i * classes, rows[i], 0, classes);
			}
			return rows;
		}

	}

}
