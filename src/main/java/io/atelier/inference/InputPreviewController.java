package io.atelier.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import io.atelier.system.JobId;
import io.atelier.system.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The image as a model sees it: the same decoding, grayscale or colour, resizing to the model's input
 * and inversion as {@code /predict}, answered as a PNG, so that a person can tell why a photo
 * was classified as it was.
 */
@RestController
class InputPreviewController {

	private final ImageDecoder decoder;

	private final ModelRegistry models;

	InputPreviewController(InferenceProperties properties, ModelRegistry models) {
		this.decoder = new ImageDecoder(properties.maxPixels());
		this.models = models;
	}

	@PostMapping(path = "/predict/input", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
			produces = MediaType.IMAGE_PNG_VALUE)
	byte[] input(@RequestPart(name = "image", required = false) MultipartFile image,
			@RequestParam(required = false) @JobId String model, @RequestParam(defaultValue = "auto") String invert)
			throws IOException {
		if (image == null) {
			throw Problems.error(HttpStatus.BAD_REQUEST, "Invalid request",
					"Send the image in a multipart field named 'image'.");
		}
		int channels;
		int width;
		int height;
		boolean invertsLight;
		try (ServingModel.Lease serving = models.borrow(model)) {
			channels = serving.model().channels();
			width = serving.model().width();
			height = serving.model().height();
			invertsLight = serving.model().invertsLight();
		}
		byte[] pixels = decoder.decode(image.getBytes(), channels, width, height, PredictionController.invert(invert),
				invertsLight);
		BufferedImage preview = preview(pixels, channels, width, height);
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		ImageIO.write(preview, "png", png);
		return png.toByteArray();
	}

	/** Gray, or RGB from the three C×H×W planes. */
	private static BufferedImage preview(byte[] pixels, int channels, int width, int height) {
		if (channels == 1) {
			BufferedImage gray = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
			gray.getRaster().setDataElements(0, 0, width, height, pixels);
			return gray;
		}
		BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		int plane = width * height;
		for (int i = 0; i < plane; i++) {
			rgb.setRGB(i % width, i / width,
					(pixels[i] & 0xFF) << 16 | (pixels[plane + i] & 0xFF) << 8 | (pixels[2 * plane + i] & 0xFF));
		}
		return rgb;
	}

}
