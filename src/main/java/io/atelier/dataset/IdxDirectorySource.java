package io.atelier.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import lombok.RequiredArgsConstructor;

/**
 * An IDX dataset named in the configuration ({@code atelier.datasets.idx.<name>}): MNIST, EMNIST,
 * KMNIST or any set in the same format, its four files plain or gzipped.
 */
@RequiredArgsConstructor
final class IdxDirectorySource implements DatasetSource {

	private static final int DEFAULT_CLASSES = 10;

	private static final int MAX_CLASSES = 256;

	private final String name;

	private final DatasetProperties.Idx properties;

	@Override
	public String name() {
		return name;
	}

	@Override
	public void checkAvailable() {
		List<String> missing = new ArrayList<>();
		for (String file : files()) {
			if (locate(file) == null) {
				missing.add(file);
			}
		}
		if (!missing.isEmpty()) {
			throw new DatasetUnavailableException("Dataset '" + name + "' is missing " + String.join(", ", missing)
					+ " (plain or .gz) in " + properties.dir().toAbsolutePath()
					+ "; set atelier.datasets.idx." + name + ".dir to the folder holding its four IDX files.");
		}
	}

	@Override
	public LabeledDataset load() {
		checkAvailable();
		try {
			ImageSet train = imageSet(properties.trainImages(), properties.trainLabels());
			ImageSet test = imageSet(properties.testImages(), properties.testLabels());
			if (train.channels() != test.channels() || train.rows() != test.rows() || train.cols() != test.cols()) {
				throw new IdxFormatException("the training images are " + shape(train) + " but the test images "
						+ shape(test));
			}
			return new LabeledDataset(name, classNames(train, test), train, test);
		}
		catch (IdxFormatException ex) {
			throw new DatasetUnavailableException("Dataset '" + name + "' in " + properties.dir().toAbsolutePath()
					+ " is unusable: " + ex.getMessage(), ex);
		}
	}

	private ImageSet imageSet(String imagesFile, String labelsFile) {
		IdxReader.Images images = IdxReader.images(read(imagesFile), imagesFile);
		byte[] labels = IdxReader.labels(read(labelsFile), labelsFile);
		if (images.count() != labels.length) {
			throw new IdxFormatException(imagesFile + " has " + images.count() + " images but " + labelsFile + " "
					+ labels.length + " labels");
		}
		if (images.count() == 0) {
			throw new IdxFormatException(imagesFile + " holds no image");
		}
		return new ImageSet(images.count(), images.channels(), images.rows(), images.cols(), images.pixels(), labels);
	}

	/** The configured names; else 0 to 9, or to the largest label when a label is beyond 9. */
	private List<String> classNames(ImageSet train, ImageSet test) {
		int largest = Math.max(largestLabel(train), largestLabel(test));
		List<String> configured = properties.classNames();
		if (configured != null && !configured.isEmpty()) {
			if (largest >= configured.size()) {
				throw new IdxFormatException("label " + largest + " has no class name; " + configured.size()
						+ " are configured in atelier.datasets.idx." + name + ".class-names");
			}
			if (configured.size() > MAX_CLASSES) {
				throw new IdxFormatException(configured.size() + " class names, more than " + MAX_CLASSES);
			}
			return List.copyOf(configured);
		}
		List<String> names = new ArrayList<>();
		for (int label = 0; label < Math.max(DEFAULT_CLASSES, largest + 1); label++) {
			names.add(Integer.toString(label));
		}
		return List.copyOf(names);
	}

	private static int largestLabel(ImageSet set) {
		int largest = 0;
		for (int i = 0; i < set.count(); i++) {
			largest = Math.max(largest, set.label(i));
		}
		return largest;
	}

	private byte[] read(String file) {
		Path path = locate(file);
		long limit = properties.maxFileSize().toBytes();
		try {
			return path.getFileName().toString().endsWith(".gz") ? IdxReader.gunzip(path, limit)
					: IdxReader.read(path, limit);
		}
		catch (IOException ex) {
			throw new IdxFormatException("cannot read " + path + ": " + ex.getMessage());
		}
	}

	private Path locate(String file) {
		for (Path candidate : List.of(properties.dir().resolve(file), properties.dir().resolve(file + ".gz"))) {
			if (Files.isRegularFile(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private List<String> files() {
		return List.of(properties.trainImages(), properties.trainLabels(), properties.testImages(),
				properties.testLabels());
	}

	private static String shape(ImageSet set) {
		return set.channels() + "x" + set.rows() + "x" + set.cols();
	}

}
