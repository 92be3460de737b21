package io.atelier.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Image-folder archives read into stored tensors, and every kind of hostile or unusable archive refused
 * with the status the API answers.
 */
class ImageFolderImportTests {

	@TempDir
	Path tmp;

	private DatasetProperties.Uploads limits = new DatasetProperties.Uploads(1000, DataSize.ofMegabytes(50),
			1_000_000, 512, DataSize.ofMegabytes(100), 0.2);

	@Test
	void classFoldersAreSortedSplitPerClassAndStoredAtTheMostCommonSizeAndColour() throws IOException {
		Random random = new Random(3);
		ImageFolderZips zip = ImageFolderZips.zip();
		for (int i = 0; i < 10; i++) {
			zip.file("zebra/" + i + ".png", ImageFolderZips.png(ImageFolderZips.shape(0, 24, 20, random)));
			zip.file("apple/" + i + ".jpg", ImageFolderZips.jpeg(ImageFolderZips.shape(1, 24, 20, random)));
		}
		zip.file("apple/odd.PNG", ImageFolderZips.png(ImageFolderZips.gray(50, 40, 200)));
		DatasetView view = run(zip.build(), request("shapes"));

		assertThat(view.classes()).containsExactly("apple", "zebra");
		assertThat(view.input()).isEqualTo(new DatasetView.Input(3, 20, 24));
		assertThat(view.train().perClass()).isEqualTo(Map.of("apple", 9, "zebra", 8));
		assertThat(view.test().perClass()).isEqualTo(Map.of("apple", 2, "zebra", 2));
		assertThat(view.train().images() + view.test().images()).isEqualTo(21);
		assertThat(view.origin()).isEqualTo(new DatasetView.Origin("class-folders", 0.2, 0L));

		LabeledDataset loaded = load(view);
		assertThat(loaded.train().channels()).isEqualTo(3);
		assertThat(loaded.train().rows()).isEqualTo(20);
		assertThat(loaded.train().cols()).isEqualTo(24);
		assertThat(loaded.kind()).isEqualTo(LabeledDataset.Kind.IMAGE_FOLDER);
	}

	@Test
	void theSameSeedMakesTheSameSplitAndAnotherSeedAnother() throws IOException {
		byte[] archive = ImageFolderZips.shapes(10, 16, 16, 5);
		LabeledDataset first = load(run(archive, new ImageFolderImport.Request("a", null, null, null, 0.3, 7L)));
		LabeledDataset again = load(run(archive, new ImageFolderImport.Request("b", null, null, null, 0.3, 7L)));
		LabeledDataset other = load(run(archive, new ImageFolderImport.Request("c", null, null, null, 0.3, 8L)));
		assertThat(again.test().pixels()).isEqualTo(first.test().pixels());
		assertThat(other.test().pixels()).isNotEqualTo(first.test().pixels());
		assertThat(first.test().count()).isEqualTo(9);
	}

	@Test
	void pixelsAreStoredChannelByChannelAsTheImageHasThem() throws IOException {
		java.awt.image.BufferedImage red = new java.awt.image.BufferedImage(16, 16,
				java.awt.image.BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < 16; y++) {
			for (int x = 0; x < 16; x++) {
				red.setRGB(x, y, 0xC81E0A);
			}
		}
		ImageFolderZips zip = ImageFolderZips.zip();
		zip.file("red/0.png", ImageFolderZips.png(red)).file("red/1.png", ImageFolderZips.png(red));
		zip.file("dark/0.png", ImageFolderZips.png(ImageFolderZips.gray(16, 16, 0)))
			.file("dark/1.png", ImageFolderZips.png(ImageFolderZips.gray(16, 16, 0)));
		LabeledDataset loaded = load(run(zip.build(), new ImageFolderImport.Request("rgb", 8, 8, 3, 0.5, 0L)));
		ImageSet train = loaded.train();
		int redImage = train.label(0) == 1 ? 0 : 1;
		int at = redImage * train.pixelsPerImage();
		assertThat(train.pixels()[at] & 0xFF).isEqualTo(0xC8);
		assertThat(train.pixels()[at + 64] & 0xFF).isEqualTo(0x1E);
		assertThat(train.pixels()[at + 128] & 0xFF).isEqualTo(0x0A);
	}

	@Test
	void theRequestedShapeWinsAndGrayscaleIsByLuminance() throws IOException {
		DatasetView view = run(ImageFolderZips.shapes(5, 40, 30, 1),
				new ImageFolderImport.Request("gray", 16, 12, 1, null, null));
		assertThat(view.input()).isEqualTo(new DatasetView.Input(1, 16, 12));
		assertThat(load(view).train().pixels()).hasSize(view.train().images() * 16 * 12);
	}

	@Test
	void trainAndTestFoldersAreKeptAsTheyAreAndAnEnclosingFolderIsLookedThrough() throws IOException {
		Random random = new Random(2);
		ImageFolderZips zip = ImageFolderZips.zip();
		for (String split : List.of("train", "test")) {
			for (int i = 0; i < (split.equals("train") ? 4 : 2); i++) {
				zip.file("mine/" + split + "/cat/" + i + ".png", ImageFolderZips.png(ImageFolderZips.shape(0, 16, 16, random)));
				zip.file("mine/" + split + "/dog/" + i + ".png", ImageFolderZips.png(ImageFolderZips.shape(1, 16, 16, random)));
			}
		}
		zip.file("mine/README.md", "hello".getBytes()).file("__MACOSX/mine/._x.png", new byte[10])
			.file("mine/train/cat/.DS_Store", new byte[3]).file("mine/train/dog/notes.txt", new byte[3]);
		DatasetView view = run(zip.build(), request("pets"));
		assertThat(view.classes()).containsExactly("cat", "dog");
		assertThat(view.train().perClass()).isEqualTo(Map.of("cat", 4, "dog", 4));
		assertThat(view.test().perClass()).isEqualTo(Map.of("cat", 2, "dog", 2));
		assertThat(view.origin().layout()).isEqualTo("split-folders");
		assertThat(view.skipped().files()).isEqualTo(4);
		assertThat(view.skipped().examples()).contains("mine/README.md", "mine/train/dog/notes.txt");
	}

	@Test
	void entriesThatClimbOutOfTheFolderAreRefused() {
		for (String name : List.of("../evil.png", "circle/../../evil.png", "circle\\..\\..\\evil.png")) {
			assertRefused(ImageFolderZips.zip().twoClasses(2).file(name, png()).build(), HttpStatus.UNPROCESSABLE_CONTENT,
					"climbs out");
		}
	}

	@Test
	void absolutePathsAreRefused() {
		for (String name : List.of("/etc/evil.png", "C:/evil.png", "\\\\server\\evil.png")) {
			assertRefused(ImageFolderZips.zip().twoClasses(2).file(name, png()).build(), HttpStatus.UNPROCESSABLE_CONTENT,
					"absolute path");
		}
	}

	@Test
	void symbolicLinksAreRefused() {
		assertRefused(ImageFolderZips.zip().twoClasses(2).symlink("circle/link.png", "/etc/passwd").build(),
				HttpStatus.UNPROCESSABLE_CONTENT, "symbolic link");
	}

	@Test
	void tooManyEntriesAreRefusedAsTooLarge() {
		limits = new DatasetProperties.Uploads(10, limits.maxUncompressedSize(), limits.maxImagePixels(), 512,
				limits.maxStoredSize(), 0.2);
		assertRefused(ImageFolderZips.zip().twoClasses(6).build(), HttpStatus.CONTENT_TOO_LARGE, "more than 10 entries");
	}

	@Test
	void aZipBombIsStoppedOnceWhatItInflatesToPassesTheLimit() {
		limits = new DatasetProperties.Uploads(1000, DataSize.ofMegabytes(1), limits.maxImagePixels(), 512,
				limits.maxStoredSize(), 0.2);
		byte[] zeros = new byte[8 << 20];
		byte[] bomb = ImageFolderZips.zip().twoClasses(2).file("circle/bomb.png", zeros).build();
		assertThat(bomb.length).isLessThan(100_000);
		assertRefused(bomb, HttpStatus.CONTENT_TOO_LARGE, "inflate to more than 1048576 bytes");
	}

	@Test
	void anImageDeclaringTooManyPixelsIsRefusedBeforeDecoding() {
		assertRefused(ImageFolderZips.zip().twoClasses(2).file("circle/huge.png", ImageFolderZips.pngHeaderOnly(50_000, 50_000))
			.build(), HttpStatus.CONTENT_TOO_LARGE, "max-image-pixels");
	}

	@Test
	void aFileNamedAsAnImageThatIsNotOneIsRefused() {
		assertRefused(ImageFolderZips.zip().twoClasses(2).file("circle/fake.png", "not an image".getBytes()).build(),
				HttpStatus.UNPROCESSABLE_CONTENT, "circle/fake.png");
		assertRefused(ImageFolderZips.zip().twoClasses(2).file("circle/x.png", gif()).build(),
				HttpStatus.UNPROCESSABLE_CONTENT, "is gif");
	}

	@Test
	void fewerThanTwoClassesAreRefused() {
		assertRefused(ImageFolderZips.zip().file("only/0.png", png()).file("only/1.png", png()).build(),
				HttpStatus.UNPROCESSABLE_CONTENT, "1 class folder (only)");
		assertRefused(ImageFolderZips.zip().file("loose.png", png()).build(), HttpStatus.UNPROCESSABLE_CONTENT,
				"0 class folders");
	}

	@Test
	void aClassFolderWithoutAnImageIsRefused() {
		assertRefused(ImageFolderZips.zip().twoClasses(2).directory("empty").build(), HttpStatus.UNPROCESSABLE_CONTENT,
				"'empty' holds no PNG or JPEG");
		assertRefused(ImageFolderZips.zip().twoClasses(2).file("notes/a.txt", new byte[1]).build(),
				HttpStatus.UNPROCESSABLE_CONTENT, "'notes' holds no PNG or JPEG");
	}

	@Test
	void splitFoldersMustBothBeThereWithTheSameClasses() {
		assertRefused(ImageFolderZips.zip().file("train/a/0.png", png()).file("train/b/0.png", png()).build(),
				HttpStatus.UNPROCESSABLE_CONTENT, "no test/");
		assertRefused(ImageFolderZips.zip().file("train/a/0.png", png()).file("train/b/0.png", png())
			.file("test/a/0.png", png()).file("test/c/0.png", png()).build(), HttpStatus.UNPROCESSABLE_CONTENT,
				"same class folders");
		assertRefused(ImageFolderZips.zip().file("train/a/0.png", png()).file("train/b/0.png", png())
			.file("test/a/0.png", png()).file("test/b/0.png", png()).file("c/0.png", png()).build(),
				HttpStatus.UNPROCESSABLE_CONTENT, "outside train/ and test/");
	}

	@Test
	void tooFewImagesForATestSplitAreRefused() {
		assertRefused(ImageFolderZips.zip().twoClasses(1).build(), HttpStatus.UNPROCESSABLE_CONTENT,
				"no image is left for the test split");
	}

	@Test
	void somethingOtherThanAZipIsABadRequest() {
		assertRefused("PK but not really".getBytes(), HttpStatus.BAD_REQUEST, "not a readable zip");
	}

	@Test
	void malformedParametersAreBadRequests() {
		byte[] archive = ImageFolderZips.zip().twoClasses(3).build();
		for (ImageFolderImport.Request request : List.of(new ImageFolderImport.Request("x", 0, null, null, null, null),
				new ImageFolderImport.Request("x", null, 513, null, null, null),
				new ImageFolderImport.Request("x", null, null, 2, null, null),
				new ImageFolderImport.Request("x", null, null, null, 1.0, null),
				new ImageFolderImport.Request("x", null, null, null, null, -1L))) {
			assertRefused(archive, request, HttpStatus.BAD_REQUEST, "");
		}
	}

	@Test
	void aSplitLargerThanTheStoredLimitIsRefused() {
		limits = new DatasetProperties.Uploads(1000, limits.maxUncompressedSize(), limits.maxImagePixels(), 512,
				DataSize.ofKilobytes(1), 0.2);
		assertRefused(ImageFolderZips.zip().twoClasses(4).build(), HttpStatus.CONTENT_TOO_LARGE, "max-stored-size");
	}

	private void assertRefused(byte[] archive, HttpStatus status, String detail) {
		assertRefused(archive, request("hostile"), status, detail);
	}

	private void assertRefused(byte[] archive, ImageFolderImport.Request request, HttpStatus status, String detail) {
		assertThatThrownBy(() -> run(archive, request)).isInstanceOfSatisfying(ErrorResponseException.class, ex -> {
			assertThat(ex.getStatusCode()).isEqualTo(status);
			assertThat(ex.getBody().getDetail()).contains(detail);
		});
	}

	private DatasetView run(byte[] archive, ImageFolderImport.Request request) throws IOException {
		Path zip = Files.write(Files.createTempFile(tmp, "upload", ".zip"), archive);
		Path target = Files.createDirectories(tmp.resolve("datasets").resolve("uploads").resolve(request.name()));
		return new ImageFolderImport(limits).run(zip, target, request);
	}

	private LabeledDataset load(DatasetView view) {
		return new StoredDatasets(tmp, tools.jackson.databind.json.JsonMapper.builder().build()).load(view);
	}

	private static ImageFolderImport.Request request(String name) {
		return new ImageFolderImport.Request(name, null, null, null, null, null);
	}

	private static byte[] png() {
		return ImageFolderZips.png(ImageFolderZips.gray(8, 8, 100));
	}

	private static byte[] gif() {
		return io.atelier.inference.TestImages.encode(ImageFolderZips.gray(8, 8, 100), "gif");
	}

}
