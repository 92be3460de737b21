package io.atelier.dataset;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset as the API shows it, and as an uploaded dataset's {@code dataset.json} records it.
 *
 * @param name what jobs call it
 * @param kind {@code idx} (configured) or {@code image-folder} (uploaded)
 * @param available whether jobs can train on it now
 * @param problem why not, when not
 * @param classes class names by label, for image folders the folder names sorted
 * @param input the shape every image is stored at and a model trained on it takes
 * @param train the training split
 * @param test the test split
 * @param skipped files of the archive that were not images, left out
 * @param origin how an uploaded archive was laid out and split
 * @param createdAt when it was uploaded
 */
public record DatasetView(String name, String kind, boolean available, String problem, List<String> classes,
		Input input, Split train, Split test, Skipped skipped, Origin origin, Instant createdAt) {

	static final String IDX = "idx";

	static final String IMAGE_FOLDER = "image-folder";

	/** A dataset in memory, described by counting its labels. */
	static DatasetView of(LabeledDataset dataset) {
		return new DatasetView(dataset.name(),
				dataset.kind() == LabeledDataset.Kind.IDX ? IDX : IMAGE_FOLDER, true, null, dataset.classNames(),
				new Input(dataset.train().channels(), dataset.train().rows(), dataset.train().cols()),
				Split.of(dataset.train(), dataset.classNames()), Split.of(dataset.test(), dataset.classNames()), null,
				null, null);
	}

	static DatasetView unavailable(String name, String kind, String problem) {
		return new DatasetView(name, kind, false, problem, null, null, null, null, null, null, null);
	}

	/**
	 * @param channels 1 for grayscale, 3 for RGB
	 * @param height rows of pixels
	 * @param width columns of pixels
	 */
	public record Input(int channels, int height, int width) {
	}

	/**
	 * @param images how many
	 * @param perClass how many of each class, in label order
	 */
	public record Split(int images, Map<String, Integer> perClass) {

		static Split of(ImageSet set, List<String> classNames) {
			return of(set.countsPerLabel(classNames.size()), classNames);
		}

		static Split of(int[] counts, List<String> classNames) {
			Map<String, Integer> perClass = new LinkedHashMap<>();
			int total = 0;
			for (int label = 0; label < classNames.size(); label++) {
				perClass.put(classNames.get(label), counts[label]);
				total += counts[label];
			}
			return new Split(total, perClass);
		}

	}

	/**
	 * @param files how many files were left out
	 * @param examples the first few of their paths in the archive
	 */
	public record Skipped(int files, List<String> examples) {
	}

	/**
	 * @param layout {@code class-folders} ({@code <class>/<image>}, split here) or {@code split-folders}
	 * ({@code train/<class>/…} and {@code test/<class>/…})
	 * @param testFraction the share of each class held out for testing, with {@code class-folders}
	 * @param seed the seed of that split
	 */
	public record Origin(String layout, Double testFraction, Long seed) {
	}

}
