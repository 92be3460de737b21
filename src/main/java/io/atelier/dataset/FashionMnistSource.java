package io.atelier.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fashion-MNIST (Zalando Research) from its four IDX gzip files. Looks in the configured folder, then
 * where Debian's {@code dataset-fashion-mnist} package puts them, then in the data directory, where it
 * downloads them when that is enabled.
 */
final class FashionMnistSource implements DatasetSource {

	static final String NAME = "fashion-mnist";

	static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
			"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

	/** The official release: 60,000 training and 10,000 test images of 28×28 pixels. */
	static final List<IdxFile> FILES = List.of(
			IdxFile.images("train-images-idx3-ubyte", 60_000, 28, 28,
					"c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
			IdxFile.labels("train-labels-idx1-ubyte", 60_000,
					"bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
			IdxFile.images("t10k-images-idx3-ubyte", 10_000, 28, 28,
					"5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
			IdxFile.labels("t10k-labels-idx1-ubyte", 10_000,
					"0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"));

	private static final long MAX_FILE_BYTES = 64L << 20;

	private final DatasetProperties.FashionMnist properties;

	private final Path downloadDir;

	private final Downloader downloader;

	FashionMnistSource(DatasetProperties.FashionMnist properties, Path dataDir, Downloader downloader) {
		this.properties = properties;
		this.downloadDir = dataDir.resolve("datasets").resolve(NAME);
		this.downloader = downloader;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void checkAvailable() {
		if (locate() == null && !properties.download()) {
			throw notFound();
		}
	}

	@Override
	public LabeledDataset load() {
		Path dir = locate();
		if (dir == null) {
			if (!properties.download()) {
				throw notFound();
			}
			dir = download();
		}
		byte[][] content = new byte[FILES.size()][];
		for (int i = 0; i < FILES.size(); i++) {
			content[i] = read(dir, FILES.get(i));
		}
		try {
			ImageSet train = imageSet(FILES.get(0), content[0], content[1], dir);
			ImageSet test = imageSet(FILES.get(2), content[2], content[3], dir);
			return new LabeledDataset(NAME, CLASS_NAMES, train, test);
		}
		catch (IdxFormatException ex) {
			throw corrupt(dir, ex.getMessage());
		}
	}

	private Path locate() {
		for (Path dir : candidates()) {
			if (FILES.stream().allMatch(file -> Files.isRegularFile(file.gz(dir)))) {
				return dir;
			}
		}
		return null;
	}

	private Set<Path> candidates() {
		Set<Path> dirs = new LinkedHashSet<>();
		if (properties.dir() != null) {
			dirs.add(properties.dir());
		}
		dirs.add(properties.systemDir());
		dirs.add(downloadDir);
		return dirs;
	}

	private Path download() {
		try {
			Files.createDirectories(downloadDir);
			for (IdxFile file : FILES) {
				if (!Files.isRegularFile(file.gz(downloadDir))) {
					downloader.fetch(properties.downloadUrl().resolve(file.name() + ".gz"), file.gz(downloadDir),
							properties.downloadTimeout());
				}
			}
			return downloadDir;
		}
		catch (IOException ex) {
			throw new DatasetUnavailableException("Fashion-MNIST could not be downloaded from "
					+ properties.downloadUrl() + " into " + downloadDir + ": " + ex.getMessage() + ". " + HOW_TO,
					ex);
		}
	}

	private byte[] read(Path dir, IdxFile file) {
		byte[] content;
		try {
			content = IdxReader.gunzip(file.gz(dir), MAX_FILE_BYTES);
		}
		catch (IdxFormatException ex) {
			throw corrupt(dir, ex.getMessage());
		}
		catch (IOException ex) {
			throw corrupt(dir, "cannot read " + file.gz(dir) + ": " + ex.getMessage());
		}
		if (properties.verifyChecksums()) {
			verify(dir, file, content);
		}
		return content;
	}

	private void verify(Path dir, IdxFile file, byte[] content) {
		if (content.length != file.bytes()) {
			throw corrupt(dir, file.gz(dir) + " decompresses to " + content.length + " bytes, expected "
					+ file.bytes());
		}
		String sha256 = sha256(content);
		if (!sha256.equals(file.sha256())) {
			throw corrupt(dir, file.gz(dir) + " has SHA-256 " + sha256 + ", expected " + file.sha256());
		}
	}

	private static ImageSet imageSet(IdxFile expected, byte[] imagesContent, byte[] labelsContent, Path dir) {
		IdxReader.Images images = IdxReader.images(imagesContent, "images in " + dir);
		byte[] labels = IdxReader.labels(labelsContent, "labels in " + dir);
		if (images.count() != labels.length) {
			throw new IdxFormatException(images.count() + " images but " + labels.length + " labels");
		}
		if (images.channels() != 1 || images.rows() != expected.rows() || images.cols() != expected.cols()) {
			throw new IdxFormatException("images are " + images.rows() + "x" + images.cols() + ", expected "
					+ expected.rows() + "x" + expected.cols());
		}
		if (images.count() == 0 || images.count() > expected.count()) {
			throw new IdxFormatException(images.count() + " images, expected 1 to " + expected.count());
		}
		for (byte label : labels) {
			if ((label & 0xFF) >= CLASS_NAMES.size()) {
				throw new IdxFormatException("label " + (label & 0xFF) + " is not one of the 10 classes");
			}
		}
		return new ImageSet(images.count(), images.rows(), images.cols(), images.pixels(), labels);
	}

	private DatasetUnavailableException notFound() {
		List<String> looked = new ArrayList<>();
		for (Path dir : candidates()) {
			List<String> missing = FILES.stream()
				.filter(file -> !Files.isRegularFile(file.gz(dir)))
				.map(file -> file.name() + ".gz")
				.toList();
			looked.add(dir.toAbsolutePath() + (missing.size() == FILES.size() ? " (none of the four files)"
					: " (missing " + String.join(", ", missing) + ")"));
		}
		return new DatasetUnavailableException(
				"Fashion-MNIST was not found. Looked in: " + String.join("; ", looked) + ". " + HOW_TO);
	}

	private static DatasetUnavailableException corrupt(Path dir, String detail) {
		return new DatasetUnavailableException("Fashion-MNIST in " + dir.toAbsolutePath() + " is unusable: "
				+ detail + ". Replace the files with the official release. " + HOW_TO);
	}

	private static String sha256(byte[] content) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final String HOW_TO = "To provide it: apt-get install dataset-fashion-mnist (Debian), "
			+ "or put the four IDX .gz files in a folder named by atelier.datasets.fashion-mnist.dir, "
			+ "or set atelier.datasets.fashion-mnist.download=true to fetch them into the data directory.";

	/**
	 * One of the four files, with what its header must say: {@code count} items of {@code rows}×{@code cols}
	 * pixels (labels have neither), and its size and checksum once decompressed.
	 */
	record IdxFile(String name, int count, int rows, int cols, long bytes, String sha256) {

		private static final int IMAGES_HEADER = 16;

		private static final int LABELS_HEADER = 8;

		static IdxFile images(String name, int count, int rows, int cols, String sha256) {
			return new IdxFile(name, count, rows, cols, IMAGES_HEADER + (long) count * rows * cols, sha256);
		}

		static IdxFile labels(String name, int count, String sha256) {
			return new IdxFile(name, count, 0, 0, LABELS_HEADER + (long) count, sha256);
		}

		Path gz(Path dir) {
			return dir.resolve(name + ".gz");
		}

	}

}
