package io.atelier.inference;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.atelier.security.ApiSecurity;
import io.atelier.store.CheckpointMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.TestPropertySource;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static io.atelier.testing.ProblemDetails.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

@WebMvcTest(PredictionController.class)
@ApiSecurity
@WithMockUser(roles = "TRAINER")
@Import({ PredictionControllerTests.Config.class, SimpleMeterRegistry.class })
@TestPropertySource(properties = "atelier.inference.max-image-size=2KB")
class PredictionControllerTests {

	private static final byte[] PNG = TestImages.grayPng(28, 28, new byte[784]);

	private static final PredictionResponse.Batch ANSWER = new PredictionResponse.Batch(
			new PredictionResponse.ModelRef("j1", 3),
			List.of(new PredictionResponse.Result(List.of(new PredictionResponse.Prediction(9, "Ankle boot", 0.97)))));

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	PredictionService predictions;

	@MockitoBean
	ModelRegistry models;

	@Test
	void predictsFromARawImageBody() {
		given(predictions.predict(any(), eq(null), eq(3), eq(ImageDecoder.Invert.AUTO))).willReturn(ANSWER);
		MvcTestResult result = mvc.post().uri("/predict").contentType(MediaType.IMAGE_PNG).content(PNG).exchange();
		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().extractingPath("$.model.jobId").isEqualTo("j1");
		assertThat(result).bodyJson().extractingPath("$.predictions[0].className").isEqualTo("Ankle boot");
	}

	@Test
	void aModelIdThatIsNotAJobIdIsRefused() {
		for (String id : new String[] { "../../etc", ".x", "a b" }) {
			assertThat(mvc.post().uri("/predict").queryParam("model", id).contentType(MediaType.IMAGE_PNG).content(PNG))
				.as(id)
				.hasStatus(HttpStatus.BAD_REQUEST)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(mvc.get().uri("/models/{id}", id)).as(id).hasStatus(HttpStatus.BAD_REQUEST);
			assertThat(mvc.put().uri("/models/default").contentType(MediaType.APPLICATION_JSON)
				.content("{\"jobId\": \"" + id + "\"}")).as(id).hasStatus(HttpStatus.BAD_REQUEST);
		}
		verifyNoInteractions(predictions, models);
	}

	@Test
	void predictsFromAMultipartImageOrFileField() {
		given(predictions.predict(any(), eq("j1"), eq(1), eq(ImageDecoder.Invert.TRUE))).willReturn(ANSWER);
		for (String field : new String[] { "image", "file" }) {
			MvcTestResult result = mvc.post()
				.uri("/predict?model=j1&topK=1&invert=true")
				.multipart()
				.file(new MockMultipartFile(field, "shoe.png", "image/png", PNG))
				.exchange();
			assertThat(result).as(field).hasStatusOk();
		}
	}

	@Test
	void aMultipartRequestWithoutTheImageIsABadRequest() {
		assertProblem(mvc.post()
			.uri("/predict")
			.multipart()
			.file(new MockMultipartFile("picture", "shoe.png", "image/png", PNG))
			.exchange(), HttpStatus.BAD_REQUEST).contains("'image'");
	}

	@Test
	void otherContentTypesAreUnsupported() {
		assertThat(mvc.post().uri("/predict").contentType(MediaType.TEXT_PLAIN).content("hello"))
			.hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(mvc.post().uri("/predict").contentType("image/tiff").content(PNG))
			.hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@Test
	void aBodyOverTheLimitIsTooLarge() {
		MvcTestResult result = mvc.post().uri("/predict").contentType(MediaType.IMAGE_PNG).content(new byte[4096])
			.exchange();
		assertThat(result).hasStatus(HttpStatus.CONTENT_TOO_LARGE).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		verifyNoInteractions(predictions);
	}

	@Test
	void anEmptyBodyIsABadRequest() {
		assertThat(mvc.post().uri("/predict").contentType(MediaType.IMAGE_PNG).content(new byte[0]))
			.hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void refusesAnUnknownInvertMode() {
		assertThat(mvc.post().uri("/predict?invert=maybe").contentType(MediaType.IMAGE_PNG).content(PNG))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson().extractingPath("$.detail").asString().contains("auto, true or false");
	}

	@Test
	void undecodableImagesAreBadRequests() {
		given(predictions.predict(any(), any(), anyInt(), any()))
			.willThrow(new InvalidImageException("The body is not a PNG, JPEG, GIF or BMP image."));
		assertThat(mvc.post().uri("/predict").contentType(MediaType.IMAGE_PNG).content("text".getBytes()))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson().extractingPath("$.title").isEqualTo("Invalid image");
	}

	@Test
	void anUnknownModelIsNotFoundAndNoModelAtAllIsAConflict() {
		given(predictions.predict(any(), eq("nope"), anyInt(), any())).willThrow(ModelProblems.unknownModel("nope"));
		given(predictions.predict(any(), eq(null), anyInt(), any())).willThrow(ModelProblems.noModelYet());
		assertThat(mvc.post().uri("/predict?model=nope").contentType(MediaType.IMAGE_PNG).content(PNG))
			.hasStatus(HttpStatus.NOT_FOUND);
		MvcTestResult none = mvc.post().uri("/predict").contentType(MediaType.IMAGE_PNG).content(PNG).exchange();
		assertThat(none).hasStatus(HttpStatus.CONFLICT);
		assertThat(none).bodyJson().extractingPath("$.detail").asString().contains("POST /jobs");
	}

	@Test
	void batchesNeedImagesAndAnswerInOrder() {
		assertThat(mvc.post().uri("/predict/batch").multipart().file(new MockMultipartFile("x", PNG)))
			.hasStatus(HttpStatus.BAD_REQUEST);
		given(predictions.predict(any(), any(), anyInt(), any())).willReturn(ANSWER);
		MvcTestResult result = mvc.post()
			.uri("/predict/batch")
			.multipart()
			.file(new MockMultipartFile("images", "a.png", "image/png", PNG))
			.exchange();
		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().extractingPath("$.results[0].predictions[0].index").isEqualTo(9);
	}

	@Test
	void listsShowsAndPinsModels() {
		ModelSummary summary = new ModelSummary("j1", 10, "seed-cnn", "fashion-mnist", List.of("a"), 0.87,
				Instant.parse("2026-01-01T00:00:00Z"), true, "trained", null, CheckpointMetadata.FASHION_MNIST_INPUT);
		given(models.list()).willReturn(List.of(summary));
		given(models.find("j1")).willReturn(Optional.of(summary));
		given(models.find("nope")).willReturn(Optional.empty());
		given(models.pin("j1")).willReturn(summary);
		assertThat(mvc.get().uri("/models")).hasStatusOk().bodyJson().extractingPath("$[0].isDefault").isEqualTo(true);
		assertThat(mvc.get().uri("/models/j1")).hasStatusOk();
		assertThat(mvc.get().uri("/models/nope")).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(mvc.put().uri("/models/default").contentType(MediaType.APPLICATION_JSON).content("{\"jobId\":\"j1\"}"))
			.hasStatusOk();
		assertThat(mvc.put().uri("/models/default").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.hasStatus(HttpStatus.BAD_REQUEST);
	}

	@TestConfiguration
	@EnableConfigurationProperties(InferenceProperties.class)
	static class Config {

	}

}
