package io.atelier.dataset;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.atelier.network.ImagePixels;

/**
 * Turns an image-folder archive into a stored dataset: every image decoded once, converted to the
 * dataset's channels and size, and written as uint8 IDX tensors (count × channels × height × width),
 * so that training never decodes a PNG or JPEG again. Two passes over the archive: the first reads
 * every image's header to choose the shape (the most common size and colour unless the request names
 * them), the second decodes. Without {@code train/} and {@code test/} folders the test split is drawn
 * from each class separately (stratified), {@code testFraction} of it, by {@code seed}.
 */
final class ImageFolderImport {

	static final String TRAIN_IMAGES = "train-images.idx";

	static final String TRAIN_LABELS = "train-labels.idx";

	static final String TEST_IMAGES = "test-images.idx";

	static final String TEST_LABELS = "test-labels.idx";

	private final DatasetProperties.Uploads limits;

	private final ImageProbe probe;

	ImageFolderImport(DatasetProperties.Uploads limits) {
		this.limits = limits;
		this.probe = new ImageProbe(limits.maxImagePixels());
	}

	/** What a request asks for; every field but the name may be left out. */
	record Request(String name, Integer height, Integer width, Integer channels, Double testFraction, Long seed) {
	}

	/** Reads {@code archive} and writes the dataset's files into {@code target}, answering its description. */
	DatasetView run(Path archive, Path target, Request request) throws IOException {
		checkRequest(request);
		try (ArchiveEntries zip = ArchiveEntries.open(archive, limits)) {
			ImageFolderLayout layout = ImageFolderLayout.of(zip.list());
			List<ImageProbe.Header> headers = new ArrayList<>();
			for (ImageFolderLayout.Image image : layout.all()) {
				headers.add(probe.header(zip.read(image.entry()), image.entry().path()));
			}
			DatasetView.Input input = shape(request, headers);
			double testFraction = request.testFraction() != null ? request.testFraction() : limits.testFraction();
			long seed = request.seed() != null ? request.seed() : 0;
			List<List<ImageFolderLayout.Image>> splits = layout.isSplit()
					? List.of(layout.images("train"), layout.images("test"))
					: stratified(layout, testFraction, seed);
			List<ImageFolderLayout.Image> train = shuffled(splits.get(0), seed);
			List<ImageFolderLayout.Image> test = shuffled(splits.get(1), seed);
			checkStoredSize(input, train.size());
			checkStoredSize(input, test.size());
			zip.nextPass();
			write(zip, train, input, target.resolve(TRAIN_IMAGES), target.resolve(TRAIN_LABELS));
			write(zip, test, input, target.resolve(TEST_IMAGES), target.resolve(TEST_LABELS));
			List<String> classes = layout.classes();
			return new DatasetView(request.name(), DatasetView.IMAGE_FOLDER, true, null, classes, input,
					DatasetView.Split.of(counts(train, classes.size()), classes),
					DatasetView.Split.of(counts(test, classes.size()), classes), layout.skipped(),
					layout.isSplit() ? new DatasetView.Origin(layout.layout(), null, null)
							: new DatasetView.Origin(layout.layout(), testFraction, seed),
					Instant.now());
		}
	}

	private void checkRequest(Request request) {
		for (Integer side : new Integer[] { request.height(), request.width() }) {
			if (side != null && (side < 1 || side > limits.maxSide())) {
				throw DatasetProblems.badRequest("height and width must be between 1 and " + limits.maxSide()
						+ " (atelier.datasets.uploads.max-side); got " + side + ".");
			}
		}
		if (request.channels() != null && request.channels() != 1 && request.channels() != 3) {
			throw DatasetProblems.badRequest("channels must be 1 (grayscale) or 3 (RGB); got " + request.channels()
					+ ".");
		}
		if (request.testFraction() != null && !(request.testFraction() > 0 && request.testFraction() < 1)) {
			throw DatasetProblems.badRequest("testFraction must be above 0 and below 1; got "
					+ request.testFraction() + ".");
		}
		if (request.seed() != null && request.seed() < 0) {
			throw DatasetProblems.badRequest("seed must not be negative; got " + request.seed() + ".");
		}
	}

	/** The requested shape, each part left out taken from the images: their most common size and colour. */
	private DatasetView.Input shape(Request request, java.util.Collection<ImageProbe.Header> headers) {
		Map<List<Integer>, Integer> sizes = new HashMap<>();
		int colour = 0;
		for (ImageProbe.Header header : headers) {
			sizes.merge(List.of(header.height(), header.width()), 1, Integer::sum);
			colour += header.channels() == 3 ? 1 : 0;
		}
		// Ties go to the larger size, then the taller, so the choice does not depend on the archive's order.
		List<Integer> common = sizes.entrySet()
			.stream()
			.max(Comparator.comparing((Map.Entry<List<Integer>, Integer> entry) -> entry.getValue())
				.thenComparing(entry -> entry.getKey().get(0) * entry.getKey().get(1))
				.thenComparing(entry -> entry.getKey().get(0)))
			.orElseThrow()
			.getKey();
		int height = request.height() != null ? request.height() : common.get(0);
		int width = request.width() != null ? request.width() : common.get(1);
		if (height > limits.maxSide() || width > limits.maxSide()) {
			throw DatasetProblems.tooLarge("The images are mostly " + common.get(0) + "x" + common.get(1)
					+ ", larger than " + limits.maxSide() + " pixels a side (atelier.datasets.uploads.max-side); "
					+ "name a smaller height and width for them to be resized to.");
		}
		int channels = request.channels() != null ? request.channels() : colour * 2 >= headers.size() ? 3 : 1;
		return new DatasetView.Input(channels, height, width);
	}

	private void checkStoredSize(DatasetView.Input input, int images) {
		long bytes = (long) images * input.channels() * input.height() * input.width();
		if (bytes > limits.maxStoredSize().toBytes()) {
			throw DatasetProblems.tooLarge(images + " images of " + input.channels() + "x" + input.height() + "x"
					+ input.width() + " take " + bytes + " bytes, more than the " + limits.maxStoredSize().toBytes() + " bytes"
					+ " a split may (atelier.datasets.uploads.max-stored-size); name a smaller height and width.");
		}
	}

	/** Train and test: each class's images shuffled by the seed, the first {@code fraction} of them for testing. */
	private static List<List<ImageFolderLayout.Image>> stratified(ImageFolderLayout layout, double fraction,
			long seed) {
		Random random = new Random(seed);
		List<List<ImageFolderLayout.Image>> byClass = new ArrayList<>();
		layout.classes().forEach(name -> byClass.add(new ArrayList<>()));
		layout.images("").forEach(image -> byClass.get(image.label()).add(image));
		List<ImageFolderLayout.Image> train = new ArrayList<>();
		List<ImageFolderLayout.Image> test = new ArrayList<>();
		for (List<ImageFolderLayout.Image> images : byClass) {
			Collections.shuffle(images, random);
			// Every class keeps at least one training image.
			int testCount = (int) Math.min(Math.round(images.size() * fraction), images.size() - 1);
			test.addAll(images.subList(0, testCount));
			train.addAll(images.subList(testCount, images.size()));
		}
		if (test.isEmpty()) {
			throw DatasetProblems.unacceptable("With testFraction " + fraction + " no image is left for the test "
					+ "split; send more images per class, a larger testFraction, or train/ and test/ folders.");
		}
		return List.of(train, test);
	}

	/** Stored in a seeded random order, so that a job's {@code trainLimit} takes every class, not the first ones. */
	private static List<ImageFolderLayout.Image> shuffled(List<ImageFolderLayout.Image> images, long seed) {
		List<ImageFolderLayout.Image> order = new ArrayList<>(images);
		Collections.shuffle(order, new Random(seed ^ 0x5DEECE66DL));
		return order;
	}

	private void write(ArchiveEntries zip, List<ImageFolderLayout.Image> images, DatasetView.Input input,
			Path imagesFile, Path labelsFile) throws IOException {
		try (DataOutputStream out = output(imagesFile)) {
			out.writeInt(IdxReader.CHANNELS_MAGIC);
			out.writeInt(images.size());
			out.writeInt(input.channels());
			out.writeInt(input.height());
			out.writeInt(input.width());
			for (ImageFolderLayout.Image image : images) {
				String path = image.entry().path();
				out.write(ImagePixels.of(probe.decode(zip.read(image.entry()), path), input.channels(),
						input.height(), input.width()));
			}
		}
		try (DataOutputStream out = output(labelsFile)) {
			out.writeInt(IdxReader.LABELS_MAGIC);
			out.writeInt(images.size());
			for (ImageFolderLayout.Image image : images) {
				out.writeByte(image.label());
			}
		}
	}

	private static int[] counts(List<ImageFolderLayout.Image> images, int classes) {
		int[] counts = new int[classes];
		images.forEach(image -> counts[image.label()]++);
		return counts;
	}

	/** A new file whose content reaches the disk when the stream closes, before the dataset is published. */
	private static DataOutputStream output(Path file) throws IOException {
		FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		OutputStream synced = new java.io.FilterOutputStream(Channels.newOutputStream(channel)) {

			@Override
			public void write(byte[] bytes, int offset, int length) throws IOException {
				out.write(bytes, offset, length);
			}

			@Override
			public void close() throws IOException {
				try {
					flush();
					channel.force(true);
				}
				finally {
					super.close();
				}
			}

		};
		return new DataOutputStream(new BufferedOutputStream(synced, 1 << 16));
	}

}
