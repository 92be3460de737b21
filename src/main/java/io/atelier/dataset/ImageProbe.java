package io.atelier.dataset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

import io.atelier.network.ImagePixels;
import lombok.RequiredArgsConstructor;

/**
 * Reads one PNG or JPEG of an archive: its header alone to learn its size and colour, or the whole
 * image. The pixel count is checked from the header before any decoding, so a small file that
 * declares a huge image is refused without allocating it.
 */
@RequiredArgsConstructor
final class ImageProbe {

	private static final Set<String> FORMATS = Set.of("png", "jpeg");

	static {
		// ImageIO otherwise buffers every stream through a temporary file.
		ImageIO.setUseCache(false);
	}

	private final long maxPixels;

	Header header(byte[] bytes, String path) {
		return withReader(bytes, path, reader -> {
			Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
			if (!types.hasNext()) {
				throw DatasetProblems.unacceptable("Image '" + path + "' has a colour model that cannot be read.");
			}
			int components = types.next().getColorModel().getNumColorComponents();
			return new Header(reader.getWidth(0), reader.getHeight(0), ImagePixels.channels(components));
		});
	}

	BufferedImage decode(byte[] bytes, String path) {
		return withReader(bytes, path, reader -> reader.read(0));
	}

	private <T> T withReader(byte[] bytes, String path, ReaderAction<T> action) {
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
			Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) {
				throw notAnImage(path, "its content is no image format Java reads");
			}
			ImageReader reader = readers.next();
			try {
				String format = reader.getFormatName().toLowerCase(Locale.ROOT);
				if (!FORMATS.contains(format)) {
					throw notAnImage(path, "it is " + format);
				}
				reader.setInput(in, true, true);
				long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
				if (pixels > maxPixels) {
					throw DatasetProblems.tooLarge("Image '" + path + "' is " + reader.getWidth(0) + "x"
							+ reader.getHeight(0) + " pixels, more than the " + maxPixels
							+ " one image may have (atelier.datasets.uploads.max-image-pixels).");
				}
				if (pixels == 0) {
					throw notAnImage(path, "it has no pixels");
				}
				return action.apply(reader);
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof org.springframework.web.ErrorResponseException problem) {
				throw problem;
			}
			throw notAnImage(path, "it cannot be decoded (" + ex.getMessage() + ")");
		}
	}

	private static RuntimeException notAnImage(String path, String why) {
		return DatasetProblems.unacceptable("'" + path + "' is named as an image but is not a PNG or JPEG: " + why
				+ ".");
	}

	/** What an image's header says: its size, and 1 channel for gray or 3 for colour. */
	record Header(int width, int height, int channels) {
	}

	@FunctionalInterface
	private interface ReaderAction<T> {

		T apply(ImageReader reader) throws IOException;

	}

}
