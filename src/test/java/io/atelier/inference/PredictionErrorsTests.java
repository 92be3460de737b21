package io.atelier.inference;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.types.Shape;
import io.atelier.network.Architecture;
import io.atelier.store.CheckpointMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.atelier.security.ApiSecurity;
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
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static io.atelier.testing.ProblemDetails.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;

/**
 * The HTTP answers to real image bytes, good and bad, decoded by the real service and run through a
 * real (untrained) network.
 */
@WebMvcTest(PredictionController.class)
@ApiSecurity
@WithMockUser(roles = "TRAINER")
@Import({ PredictionService.class, DynamicBatching.class, PredictionErrorsTests.Config.class, SimpleMeterRegistry.class })
class PredictionErrorsTests {

	private static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

	private static ServingModel model;

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	ModelRegistry models;

	@BeforeAll
	static void loadAModel() {
		model = new ServingModel("j1", 1, CLASSES, CheckpointMetadata.FASHION_MNIST_INPUT,
				Architecture.SEED_CNN.newModel(10, new Shape(1, 1, 28, 28), 0), 2, java.time.Duration.ofSeconds(5));
	}

	@AfterAll
	static void closeTheModel() {
		model.close();
	}

	@Test
	void aPngAndAJpegAreAnsweredWithProbabilitiesThatSumToOne() {
		given(models.borrow(any())).willAnswer(call -> model.lease().orElseThrow());
		for (var image : List.of(new Object[] { MediaType.IMAGE_PNG, TestImages.grayPng(28, 28, new byte[784]) },
				new Object[] { MediaType.IMAGE_JPEG, TestImages.rgb(64, 48, 0xEEEEEE, "jpg") })) {
			MvcTestResult result = mvc.post()
				.uri("/predict?topK=10")
				.contentType((MediaType) image[0])
				.content((byte[]) image[1])
				.exchange();
			assertThat(result).hasStatusOk();
			assertThat(result).bodyJson()
				.extractingPath("$.predictions[*].probability")
				.asArray()
				.hasSize(10)
				.satisfies(values -> assertThat(Arrays.stream(values).mapToDouble(v -> ((Number) v).doubleValue()).sum())
					.isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4)));
		}
	}

	@Test
	void aTruncatedPngIsABadRequest() {
		given(models.borrow(any())).willAnswer(call -> model.lease().orElseThrow());
		byte[] png = TestImages.rgb(60, 60, 0x336699, "png");
		assertInvalid(Arrays.copyOf(png, png.length / 2), "could not be decoded");
	}

	@Test
	void aTextFileNamedPngIsABadRequest() {
		given(models.borrow(any())).willAnswer(call -> model.lease().orElseThrow());
		assertProblem(mvc.post()
			.uri("/predict")
			.multipart()
			.file(new MockMultipartFile("image", "shoe.png", "image/png", "just some text".getBytes()))
			.exchange(), HttpStatus.BAD_REQUEST).contains("not a PNG, JPEG, GIF or BMP");
	}

	@Test
	void aDecompressionBombIsRefusedBeforeDecoding() {
		given(models.borrow(any())).willAnswer(call -> model.lease().orElseThrow());
		assertInvalid(TestImages.pngHeaderOnly(50_000, 50_000), "over the limit of 40000000");
	}

	@Test
	void aTopKBeyondTheClassesIsABadRequest() {
		given(models.borrow(any())).willAnswer(call -> model.lease().orElseThrow());
		assertThat(mvc.post().uri("/predict?topK=11").contentType(MediaType.IMAGE_PNG)
			.content(TestImages.grayPng(28, 28, new byte[784])))
			.hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void randomImagesContentTypesAndParametersNeverCauseAServerError() {
		given(models.borrow(any())).willAnswer(call -> model.lease().orElseThrow());
		io.atelier.Fuzz fuzz = new io.atelier.Fuzz();
		java.util.Random random = fuzz.random();
		List<byte[]> seeds = List.of(TestImages.grayPng(28, 28, new byte[784]), TestImages.rgb(40, 30, 0x123456, "jpeg"),
				TestImages.rgb(20, 20, 0xabcdef, "gif"), TestImages.rgb(20, 20, 0xabcdef, "bmp"));
		List<String> types = List.of("image/png", "image/jpeg", "image/gif", "image/bmp", "application/octet-stream",
				"text/plain", "multipart/form-data", "multipart/form-data; boundary=x", "image/webp");
		List<String> parameters = List.of("", "topK=0", "topK=-3", "topK=abc", "topK=99999999999", "invert=maybe",
				"invert=true", "model=../../etc", "model=%2e%2e%2fx", "model=" + "a".repeat(200), "model=j1");
		for (int i = 0; i < io.atelier.Fuzz.cases(300); i++) {
			byte[] body = fuzz.mutate(seeds.get(random.nextInt(seeds.size())));
			String type = types.get(random.nextInt(types.size()));
			String query = parameters.get(random.nextInt(parameters.size()));
			MvcTestResult result = mvc.post().uri("/predict?" + query).header("Content-Type", type).content(body).exchange();
			String description = "case " + i + " of seed " + fuzz.seed() + ": " + type + " ?" + query;
			assertThat(result.getResponse().getStatus()).as(description).isBetween(200, 499);
			if (result.getResponse().getStatus() >= 400) {
				assertThat(result.getResponse().getContentType()).as(description)
					.isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			}
		}
	}

	private void assertInvalid(byte[] body, String detail) {
		MvcTestResult result = mvc.post().uri("/predict").contentType(MediaType.IMAGE_PNG).content(body).exchange();
		assertProblem(result, HttpStatus.BAD_REQUEST).contains(detail);
	}

	@TestConfiguration
	@EnableConfigurationProperties({ InferenceProperties.class, BatchingProperties.class })
	static class Config {

	}

}
