package io.atelier.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.atelier.security.ApiSecurity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static io.atelier.testing.ProblemDetails.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

@WebMvcTest(JobController.class)
@ApiSecurity
@WithMockUser(roles = "TRAINER")
@Import(SimpleMeterRegistry.class)
class JobControllerTests {

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	JobService jobs;

	@Test
	void submittingAcceptsTheJobAndPointsToIt() {
		given(jobs.submit(any())).willReturn(job("j1", JobState.QUEUED));
		MvcTestResult result = post("{\"epochs\": 2}");
		assertThat(result).hasStatus(HttpStatus.ACCEPTED).hasHeader("Location", "/jobs/j1");
		assertThat(result).bodyJson().extractingPath("$.state").isEqualTo("QUEUED");
		assertThat(result).bodyJson().extractingPath("$.hyperparameters.learningRate").isEqualTo(0.01);
	}

	@Test
	void anEmptyBodyMeansTheSeedPipelinesValues() {
		given(jobs.submit(any())).willReturn(job("j1", JobState.QUEUED));
		assertThat(mvc.post().uri("/jobs")).hasStatus(HttpStatus.ACCEPTED);
	}

	@Test
	void listsEveryInvalidFieldAsProblemJson() {
		MvcTestResult result = post("""
				{"epochs": 0, "batchSize": 0, "learningRate": -1, "momentum": 0.5, "seed": -3, "trainLimit": 0}""");
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.errors[*].field").asArray()
			.containsExactlyInAnyOrder("epochs", "batchSize", "learningRate", "momentum", "seed", "trainLimit");
		assertThat(result).bodyJson().extractingPath("$.title").isEqualTo("Invalid request");
		verifyNoInteractions(jobs);
	}

	@Test
	void refusesValuesAboveTheirBounds() {
		MvcTestResult result = post("{\"epochs\": 1001, \"batchSize\": 60001, \"learningRate\": 11}");
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).bodyJson().extractingPath("$.errors[*].field").asArray()
			.containsExactlyInAnyOrder("epochs", "batchSize", "learningRate");
	}

	@Test
	void refusesTrainingOptionsOutOfRange() {
		MvcTestResult result = post("{\"weightDecay\": -0.1, \"validationFraction\": 0.9}");
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.errors[*].field").asArray()
			.containsExactlyInAnyOrder("weightDecay", "validationFraction");
		assertThat(post("{\"validationFraction\": 0}")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(post("{\"schedule\": \"linear\"}")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson().extractingPath("$.detail").asString().contains("[constant, cosine, step]");
		assertThat(post("{\"augment\": \"rotate\"}")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson().extractingPath("$.detail").asString().contains("[none, flip-crop]");
		verifyNoInteractions(jobs);
	}

	@Test
	void acceptsTheTrainingOptionsByTheirIds() {
		given(jobs.submit(any())).willReturn(job("j1", JobState.QUEUED));
		assertThat(post("{\"architecture\": \"cnn-bn\", \"weightDecay\": 0.05, \"schedule\": \"cosine\", "
				+ "\"augment\": \"flip-crop\", \"validationFraction\": 0.1}")).hasStatus(HttpStatus.ACCEPTED);
		org.mockito.Mockito.verify(jobs).submit(org.mockito.ArgumentMatchers.argThat(request ->
				request.schedule() == io.atelier.training.Schedule.COSINE
						&& request.augment() == io.atelier.training.Augmentation.FLIP_CROP
						&& request.weightDecay() == 0.05 && request.validationFraction() == 0.1));
	}

	@Test
	void acceptsMomentumWithSgd() {
		given(jobs.submit(any())).willReturn(job("j1", JobState.QUEUED));
		assertThat(post("{\"optimizer\": \"sgd\", \"momentum\": 0.9}")).hasStatus(HttpStatus.ACCEPTED);
	}

	@Test
	void refusesUnknownFieldsSoTyposAreNotIgnored() {
		assertProblem(post("{\"learningrate\": 0.1}"), HttpStatus.BAD_REQUEST).contains("Unknown field 'learningrate'");
	}

	@Test
	void explainsWrongTypesAndUnknownOptimizers() {
		assertThat(post("{\"epochs\": \"ten\"}")).bodyJson().extractingPath("$.detail").asString()
			.contains("'epochs'").contains("an integer");
		assertThat(post("{\"optimizer\": \"rmsprop\"}")).bodyJson().extractingPath("$.detail").asString()
			.contains("[adam, sgd]");
	}

	@Test
	void malformedJsonIsABadRequest() {
		assertProblem(post("{\"epochs\": "), HttpStatus.BAD_REQUEST).startsWith("Malformed JSON");
	}

	@Test
	void otherContentTypesAreUnsupported() {
		assertThat(mvc.post().uri("/jobs").contentType(MediaType.TEXT_PLAIN).content("epochs=1"))
			.hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void aFullQueueAnswers503WithRetryAfter() {
		given(jobs.submit(any())).willThrow(new QueueFullException(100, Duration.ofSeconds(30)));
		MvcTestResult result = post("{}");
		assertThat(result).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
			.hasHeader("Retry-After", "30")
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.title").isEqualTo("Job queue full");
	}

	@Test
	void anUnavailableDatasetIsAConflictThatSaysHowToFixIt() {
		given(jobs.submit(any())).willThrow(new InvalidJobException(HttpStatus.CONFLICT, "Dataset unavailable",
				"dataset", "fashion-mnist", "Fashion-MNIST was not found. To provide it: apt-get install ..."));
		MvcTestResult result = post("{}");
		assertThat(result).hasStatus(HttpStatus.CONFLICT);
		assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("dataset");
	}

	@Test
	void showsAJob() {
		given(jobs.find("j1")).willReturn(Optional.of(job("j1", JobState.RUNNING)));
		MvcTestResult result = mvc.get().uri("/jobs/j1").exchange();
		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().extractingPath("$.progress.epochs").isEqualTo(10);
	}

	@Test
	void anUnknownJobIsNotFound() {
		given(jobs.find("nope")).willReturn(Optional.empty());
		assertProblem(mvc.get().uri("/jobs/nope").exchange(), HttpStatus.NOT_FOUND).contains("nope");
	}

	@Test
	void listsPageByPage() {
		given(jobs.list(1, 5)).willReturn(new JobPage(List.of(job("j1", JobState.SUCCEEDED)), 1, 5, 6, 2));
		MvcTestResult result = mvc.get().uri("/jobs?page=1&size=5").exchange();
		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().extractingPath("$.totalPages").isEqualTo(2);
	}

	@Test
	void refusesPagesOutOfRange() {
		assertThat(mvc.get().uri("/jobs?size=500")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson().extractingPath("$.errors[0].field").isEqualTo("size");
		assertThat(mvc.get().uri("/jobs?page=-1")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(mvc.get().uri("/jobs?page=x")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void cancellingARunningJobIsAcceptedAndAnEndedOneIsOk() {
		given(jobs.cancel("j1")).willReturn(job("j1", JobState.RUNNING));
		given(jobs.cancel("j2")).willReturn(job("j2", JobState.CANCELLED));
		assertThat(mvc.post().uri("/jobs/j1/cancel")).hasStatus(HttpStatus.ACCEPTED);
		assertThat(mvc.post().uri("/jobs/j2/cancel")).hasStatus(HttpStatus.OK);
	}

	@Test
	void idsThatCouldNameAnythingButAJobAreRefused() {
		for (String id : new String[] { ".hidden", "..", "a..b%00", "x".repeat(65), "%2e%2e%2fetc", "a%2Fb" }) {
			MvcTestResult result = mvc.get().uri("/jobs/" + id).exchange();
			assertThat(result).as(id).hasStatus(HttpStatus.BAD_REQUEST).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(mvc.post().uri("/jobs/" + id + "/cancel")).as(id).hasStatus(HttpStatus.BAD_REQUEST);
		}
		verifyNoInteractions(jobs);
	}

	@Test
	void cancellingAnUnknownJobIsNotFound() {
		given(jobs.cancel("nope")).willThrow(new JobNotFoundException("nope"));
		assertThat(mvc.post().uri("/jobs/nope/cancel")).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void anUnexpectedFailureIsA500ThatRevealsNothing() {
		given(jobs.find("boom")).willThrow(new IllegalStateException("secret internals"));
		MvcTestResult result = mvc.get().uri("/jobs/boom").exchange();
		assertThat(result).hasStatus(HttpStatus.INTERNAL_SERVER_ERROR)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyText().doesNotContain("secret internals").doesNotContain("IllegalStateException");
	}

	private MvcTestResult post(String json) {
		return mvc.post().uri("/jobs").contentType(MediaType.APPLICATION_JSON).content(json).exchange();
	}

	private static JobView job(String id, JobState state) {
		return new JobView(id, state, Hyperparameters.DEFAULTS, Progress.notStarted(10), List.of(), List.of(), null, List.of(),
				null, false, Instant.parse("2026-01-01T00:00:00Z"), null, null, null, 0);
	}

}
