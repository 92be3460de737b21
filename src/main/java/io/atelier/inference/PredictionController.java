package io.atelier.inference;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import io.atelier.system.JobId;
import io.atelier.system.Problems;
import lombok.RequiredArgsConstructor;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Trained models and predictions over HTTP.
 */
@RestController
@RequiredArgsConstructor
class PredictionController {

	private final PredictionService predictions;

	private final ModelRegistry models;

	private final InferenceProperties properties;

	@GetMapping("/models")
	List<ModelSummary> models() {
		return models.list();
	}

	@GetMapping("/models/{jobId}")
	ModelSummary model(@PathVariable @JobId String jobId) {
		return models.find(jobId).orElseThrow(() -> ModelProblems.unknownModel(jobId));
	}

	@PutMapping("/models/default")
	ModelSummary pin(@Valid @RequestBody DefaultModel request) {
		if (request.jobId() == null || request.jobId().isBlank()) {
			throw badRequest("jobId is required.");
		}
		return models.pin(request.jobId());
	}

	/** The image itself as the body. */
	@PostMapping(path = "/predict", consumes = { MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_JPEG_VALUE,
			MediaType.IMAGE_GIF_VALUE, "image/bmp" })
	PredictionResponse predictRaw(HttpServletRequest request, @RequestParam(required = false) @JobId String model,
			@RequestParam(defaultValue = "3") int topK, @RequestParam(defaultValue = "auto") String invert)
			throws IOException {
		byte[] image = readLimited(request);
		return single(predictions.predict(List.of(image), model, topK, invert(invert)));
	}

	/** The image in a multipart form field named {@code image} (or {@code file}). */
	@PostMapping(path = "/predict", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	PredictionResponse predictMultipart(@RequestPart(name = "image", required = false) MultipartFile image,
			@RequestPart(name = "file", required = false) MultipartFile file,
			@RequestParam(required = false) @JobId String model, @RequestParam(defaultValue = "3") int topK,
			@RequestParam(defaultValue = "auto") String invert) throws IOException {
		MultipartFile part = image != null ? image : file;
		if (part == null) {
			throw badRequest("Send the image in a multipart field named 'image' (or 'file').");
		}
		return single(predictions.predict(List.of(imageBytes(part)), model, topK, invert(invert)));
	}

	/** Several images in multipart fields named {@code images}, answered in order, in one forward pass. */
	@PostMapping(path = "/predict/batch", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	PredictionResponse.Batch predictBatch(@RequestPart(name = "images", required = false) List<MultipartFile> images,
			@RequestParam(required = false) @JobId String model, @RequestParam(defaultValue = "3") int topK,
			@RequestParam(defaultValue = "auto") String invert) throws IOException {
		if (images == null || images.isEmpty()) {
			throw badRequest("Send the images in multipart fields named 'images'.");
		}
		if (images.size() > properties.maxBatchImages()) {
			throw badRequest(images.size() + " images is more than the " + properties.maxBatchImages()
					+ " one batch may hold.");
		}
		List<byte[]> bytes = new ArrayList<>(images.size());
		for (MultipartFile part : images) {
			bytes.add(imageBytes(part));
		}
		return predictions.predict(bytes, model, topK, invert(invert));
	}

	private byte[] readLimited(HttpServletRequest request) throws IOException {
		long limit = properties.maxImageSize().toBytes();
		if (request.getContentLengthLong() > limit) {
			throw tooLarge(limit);
		}
		try (InputStream body = request.getInputStream()) {
			byte[] bytes = body.readNBytes(Math.toIntExact(limit + 1));
			if (bytes.length > limit) {
				throw tooLarge(limit);
			}
			if (bytes.length == 0) {
				throw badRequest("The request body is empty; send the image bytes.");
			}
			return bytes;
		}
	}

	/** The multipart limit is the larger one of model uploads; an image is held to its own. */
	private byte[] imageBytes(MultipartFile part) throws IOException {
		long limit = properties.maxImageSize().toBytes();
		if (part.getSize() > limit) {
			throw tooLarge(limit);
		}
		return part.getBytes();
	}

	private static PredictionResponse single(PredictionResponse.Batch batch) {
		return new PredictionResponse(batch.model(), batch.results().get(0).predictions());
	}

	static ImageDecoder.Invert invert(String value) {
		try {
			return ImageDecoder.Invert.valueOf(value.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw badRequest("invert must be auto, true or false.");
		}
	}

	private static ErrorResponseException tooLarge(long limit) {
		return Problems.error(HttpStatus.CONTENT_TOO_LARGE, "Image too large",
				"The image is larger than the limit of " + limit + " bytes.");
	}

	private static ErrorResponseException badRequest(String detail) {
		return Problems.error(HttpStatus.BAD_REQUEST, "Invalid request", detail);
	}

	record DefaultModel(@JobId String jobId) {
	}

}
