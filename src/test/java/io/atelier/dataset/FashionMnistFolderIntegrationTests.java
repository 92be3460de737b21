package io.atelier.dataset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Fashion-MNIST images written as an image folder of PNGs ({@code train/<class>/…},
 * {@code test/<class>/…}) come back from the import as exactly the IDX dataset's pixels and labels:
 * the folder path and the IDX path give a network the same data. Skips without the real dataset
 * ({@code Need.DATASET}, through {@link RealFashionMnist}).
 */
class FashionMnistFolderIntegrationTests {

	private static final int TRAIN = 3000;

	private static final int TEST = 1000;

	@TempDir
	Path tmp;

	@Test
	void aFolderOfRealFashionMnistPngsIsStoredAsTheIdxPixelsExactly() throws IOException {
		LabeledDataset real = RealFashionMnist.load();
		ImageSet train = real.train().first(TRAIN);
		ImageSet test = real.test().first(TEST);
		ImageFolderZips zip = ImageFolderZips.zip();
		addSplit(zip, "train", train, real.classNames());
		addSplit(zip, "test", test, real.classNames());
		Path archive = Files.write(tmp.resolve("fashion.zip"), zip.build());
		Path target = Files.createDirectories(tmp.resolve("datasets").resolve("uploads").resolve("folder"));

		long start = System.nanoTime();
		DatasetView view = new ImageFolderImport(new DatasetProperties.Uploads(100_000, DataSize.ofGigabytes(1),
				1_000_000, 512, DataSize.ofGigabytes(1), 0.2))
			.run(archive, target, new ImageFolderImport.Request("folder", null, null, null, null, null));
		double seconds = (System.nanoTime() - start) / 1e9;
		System.out.printf("Imported %d PNGs in %.1f s (%.0f images/s)%n", TRAIN + TEST, seconds, (TRAIN + TEST) / seconds);

		assertThat(view.input()).isEqualTo(new DatasetView.Input(1, 28, 28));
		List<String> sorted = real.classNames().stream().map(FashionMnistFolderIntegrationTests::folder).sorted().toList();
		assertThat(view.classes()).isEqualTo(sorted);
		LabeledDataset stored = new StoredDatasets(tmp, tools.jackson.databind.json.JsonMapper.builder().build())
			.load(view);
		assertThat(images(stored.train(), stored.classNames())).isEqualTo(images(train, real.classNames()));
		assertThat(images(stored.test(), stored.classNames())).isEqualTo(images(test, real.classNames()));
	}

	private static void addSplit(ImageFolderZips zip, String split, ImageSet images, List<String> classNames) {
		for (int i = 0; i < images.count(); i++) {
			BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
			image.getRaster().setDataElements(0, 0, 28, 28,
					Arrays.copyOfRange(images.pixels(), i * 784, (i + 1) * 784));
			zip.file(split + "/" + folder(classNames.get(images.label(i))) + "/" + i + ".png", ImageFolderZips.png(image));
		}
	}

	/** Each image as its class name and pixels, sorted: the same images with the same classes, in any order. */
	private static List<String> images(ImageSet set, List<String> classNames) {
		List<String> images = new ArrayList<>(set.count());
		for (int i = 0; i < set.count(); i++) {
			byte[] pixels = Arrays.copyOfRange(set.pixels(), i * set.pixelsPerImage(), (i + 1) * set.pixelsPerImage());
			images.add(folder(classNames.get(set.label(i))) + ":" + java.util.HexFormat.of().formatHex(pixels));
		}
		images.sort(null);
		return images;
	}

	/** "T-shirt/top" cannot be a folder name. */
	private static String folder(String className) {
		return className.replace('/', '-');
	}

}
