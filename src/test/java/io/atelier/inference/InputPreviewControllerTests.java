package io.atelier.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import io.atelier.security.ApiSecurity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** POST /predict/input answers the image a model is given, at its input size, prepared exactly as for /predict. */
@WebMvcTest(InputPreviewController.class)
@ApiSecurity
@WithMockUser(roles = "PREDICTOR")
@Import(SimpleMeterRegistry.class)
@EnableConfigurationProperties(InferenceProperties.class)
class InputPreviewControllerTests {

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	ModelRegistry models;

	@BeforeEach
	void aModelOf28By28() {
		ServingModel.Lease lease = leaseOn(1, 28, 28, true);
		given(models.borrow(any())).willReturn(lease);
	}

	@Test
	void aColourModelSeesColourAndALightImageAsItIs() throws IOException {
		ServingModel.Lease photos = leaseOn(3, 20, 20, false);
		given(models.borrow("photos")).willReturn(photos);
		BufferedImage preview = preview("model=photos", TestImages.rgb(40, 40, 0xF0A050, "png"));
		assertThat(preview.getWidth()).isEqualTo(20);
		assertThat(preview.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xF0A050);
	}

	@Test
	void aDarkObjectOnWhiteIsShrunkAndInvertedLikeFashionMnist() throws IOException {
		BufferedImage preview = preview("invert=auto", darkSquareOnWhite());
		assertThat(preview.getWidth()).isEqualTo(28);
		assertThat(preview.getHeight()).isEqualTo(28);
		assertThat(preview.getRaster().getSample(0, 0, 0)).as("background").isEqualTo(0);
		assertThat(preview.getRaster().getSample(14, 14, 0)).as("object").isEqualTo(255);
	}

	@Test
	void theNamedModelsInputSizeIsUsed() throws IOException {
		ServingModel.Lease wide = leaseOn(1, 32, 16, false);
		given(models.borrow("wide")).willReturn(wide);
		BufferedImage preview = preview("model=wide", darkSquareOnWhite());
		assertThat(preview.getWidth()).isEqualTo(32);
		assertThat(preview.getHeight()).isEqualTo(16);
	}

	@Test
	void invertFalseKeepsTheImageAsItIs() throws IOException {
		BufferedImage preview = preview("invert=false", darkSquareOnWhite());
		assertThat(preview.getRaster().getSample(0, 0, 0)).isEqualTo(255);
		assertThat(preview.getRaster().getSample(14, 14, 0)).isEqualTo(0);
	}

	@Test
	void whatIsNotAnImageIsAProblem() {
		MvcTestResult result = mvc.post().uri("/predict/input").multipart()
			.file(new MockMultipartFile("image", "x.png", "image/png", "<b>no</b>".getBytes()))
			.accept(MediaType.IMAGE_PNG, MediaType.APPLICATION_PROBLEM_JSON)
			.exchange();
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(mvc.post().uri("/predict/input").multipart()
			.file(new MockMultipartFile("other", "x.png", "image/png", darkSquareOnWhite()))
			.exchange()).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(mvc.post().uri("/predict/input?invert=maybe").multipart()
			.file(new MockMultipartFile("image", "x.png", "image/png", darkSquareOnWhite()))
			.exchange()).hasStatus(HttpStatus.BAD_REQUEST);
	}

	private BufferedImage preview(String query, byte[] png) throws IOException {
		MvcTestResult result = mvc.post().uri("/predict/input?" + query).multipart()
			.file(new MockMultipartFile("image", "shirt.png", "image/png", png))
			.exchange();
		assertThat(result).hasStatusOk().hasContentType(MediaType.IMAGE_PNG);
		return ImageIO.read(new ByteArrayInputStream(result.getResponse().getContentAsByteArray()));
	}

	private static byte[] darkSquareOnWhite() {
		BufferedImage image = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < 112; y++) {
			for (int x = 0; x < 112; x++) {
				boolean inside = x >= 28 && x < 84 && y >= 28 && y < 84;
				image.setRGB(x, y, inside ? 0x000000 : 0xFFFFFF);
			}
		}
		return TestImages.encode(image, "png");
	}

	/** A lease on a model that takes {@code channels} x {@code height} x {@code width} input. */
	private static ServingModel.Lease leaseOn(int channels, int width, int height, boolean invertsLight) {
		ServingModel model = mock(ServingModel.class);
		given(model.channels()).willReturn(channels);
		given(model.width()).willReturn(width);
		given(model.height()).willReturn(height);
		given(model.invertsLight()).willReturn(invertsLight);
		ServingModel.Lease lease = mock(ServingModel.Lease.class);
		given(lease.model()).willReturn(model);
		return lease;
	}

}
