package io.atelier.dashboard;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.imageio.ImageIO;

import io.atelier.AtelierClient;
import io.atelier.dataset.ImageSet;
import io.atelier.dataset.RealFashionMnist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium against a real Atelier with API keys, training on the
 * real Fashion-MNIST: what a person does in it, from the start form to a prediction, and what a
 * predictor key may not see. Every page is saved as a screenshot under target/dashboard-screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIntegrationTests {

	private static final String TRAINER_KEY = "trainer-key-of-the-dashboard-browser-tests";

	private static final String PREDICTOR_KEY = "predictor-key-of-the-dashboard-browser-tests";

	@TempDir
	static Path tmp;

	@AutoClose
	private static Dashboard dashboard;

	private static Browser browser;

	private static String firstJob;

	/** The API as the dashboard's trainer, for what a test sets up or checks beside the browser. */
	private static AtelierClient trainer;

	private static final JsonMapper json = JsonMapper.builder().build();

	@BeforeAll
	static void start() {
		Path dataset = RealFashionMnist.dir().toAbsolutePath();
		dashboard = Dashboard.start(tmp, "--atelier.datasets.fashion-mnist.dir=" + dataset,
				"--atelier.security.trainer-keys=" + TRAINER_KEY, "--atelier.security.predictor-keys=" + PREDICTOR_KEY);
		browser = dashboard.browser();
		trainer = new AtelierClient(dashboard.base(), TRAINER_KEY);
	}

	@AfterEach
	void noContentSecurityPolicyViolationsAndNoScriptErrors() {
		if (browser != null) {
			assertThat(browser.consoleErrors()).as("browser console")
				.noneMatch(message -> message.contains("Content Security Policy") || message.contains("Refused to")
						|| message.contains("Uncaught"));
		}
	}

	@Test
	@Order(1)
	void theKeyIsAskedOnceKeptInTheTabAndAWrongOneIsRefused() throws IOException {
		browser.signOut();
		WebElement key = browser.find("api-key");
		browser.assertEveryControlIsLabelled();
		browser.screenshot("api-key");
		key.sendKeys("not-a-key-of-this-service-at-all-0000000");
		key.submit();
		browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[role=alert]"), "not valid"));
		assertThat(browser.sessionStorage()).doesNotContainKey("atelier.apiKey");

		browser.find("api-key").sendKeys(TRAINER_KEY);
		browser.find("api-key").submit();
		assertThat(browser.find("caller-role").getText()).isEqualTo("trainer key");
		assertThat(browser.sessionStorage()).containsEntry("atelier.apiKey", TRAINER_KEY);
		browser.driver().navigate().refresh();
		assertThat(browser.find("caller-role").getText()).as("asked once per tab").isEqualTo("trainer key");
	}

	@Test
	@Order(2)
	void invalidHyperparametersShowTheApiMessagesNextToTheirFields() throws IOException {
		browser.signIn(TRAINER_KEY);
		WebElement form = browser.find("start-job");
		browser.assertEveryControlIsLabelled();
		type(form, "job-epochs", "0");
		type(form, "job-learningRate", "20");
		type(form, "job-momentum", "0.9");
		form.findElement(By.cssSelector("button[type=submit]")).click();

		JsonNode problem = json.readTree(trainer.send(trainer.request("/jobs")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"epochs\": 0, \"learningRate\": 20, \"momentum\": 0.9}")))
			.body());
		assertThat(problem.path("errors")).hasSize(3);
		for (JsonNode error : problem.path("errors")) {
			String field = error.path("field").asString();
			WebElement message = browser.find("field-error-" + field);
			assertThat(message.getText()).isEqualTo(error.path("message").asString());
			assertThat(form.findElement(By.id("job-" + field)).getAttribute("aria-invalid")).isEqualTo("true");
		}
		assertThat(browser.all("field-error-batchSize").get(0).getText()).isEmpty();
		assertThat(browser.driver().getCurrentUrl()).as("still on the form").doesNotContain("#/jobs/");
		browser.screenshot("start-form-errors");
	}

	@Test
	@Order(3)
	void aJobStartedFromTheFormDrawsItsCurvesLiveAndEndsWithItsConfusionMatrix() throws IOException {
		browser.signIn(TRAINER_KEY);
		WebElement form = browser.find("start-job");
		type(form, "job-epochs", "3");
		type(form, "job-trainLimit", "10000");
		form.findElement(By.cssSelector("button[type=submit]")).click();
		browser.waitFor(ExpectedConditions.urlMatches("#/jobs/[0-9a-f-]{36}$"));
		String url = browser.driver().getCurrentUrl();
		firstJob = url.substring(url.lastIndexOf('/') + 1);

		// Sample what the chart shows while the job runs: points must appear before the end.
		List<String> seen = new ArrayList<>();
		browser.waitFor(Duration.ofMinutes(3), driver -> {
			List<WebElement> chart = browser.all("epoch-chart");
			List<WebElement> badge = browser.all("job-state");
			if (chart.isEmpty() || badge.isEmpty()) {
				return false;
			}
			String points = chart.get(0).getAttribute("data-points");
			String state = badge.get(0).getText();
			if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state + " " + points)) {
				seen.add(state + " " + points);
			}
			return state.equals("SUCCEEDED") && browser.all("confusion-matrix").size() == 1;
		});
		assertThat(seen).as("state and chart points over time").contains("RUNNING 1", "RUNNING 2", "SUCCEEDED 3");
		assertThat(browser.find("epoch-chart").findElements(By.tagName("canvas"))).hasSize(2);
		assertThat(browser.find("epoch-table").findElements(By.cssSelector("tbody tr"))).hasSize(3);

		WebElement matrix = browser.find("confusion-matrix");
		List<WebElement> header = matrix.findElements(By.cssSelector("thead th"));
		assertThat(header).hasSize(11);
		assertThat(header.get(10).getText()).isEqualTo("Ankle boot");
		List<WebElement> cells = matrix.findElements(By.cssSelector("td.cell"));
		assertThat(cells).hasSize(100);
		assertThat(cells.stream().mapToInt(cell -> Integer.parseInt(cell.getText())).sum()).isEqualTo(10_000);
		assertThat(browser.find("per-class").findElements(By.cssSelector("tbody tr"))).hasSize(10);
		assertThat(browser.find("checkpoints").findElements(By.cssSelector("tbody tr"))).hasSize(4);
		assertThat(browser.all("cancel-job")).as("no cancel once ended").isEmpty();
		browser.assertEveryControlIsLabelled();
		browser.screenshot("job");
	}

	@Test
	@Order(4)
	void twoJobsAreComparedOnOneChart() throws IOException {
		String second = openAsTrainer(
				trainer.startJob("{\"epochs\": 2, \"trainLimit\": 5000, \"learningRate\": 0.001, \"seed\": 3}"),
				"SUCCEEDED", Duration.ofMinutes(2));

		browser.open("#/jobs");
		browser.waitFor(driver -> browser.all("job-row").size() == 2);
		for (WebElement row : browser.all("job-row")) {
			row.findElement(By.cssSelector("input[type=checkbox]")).click();
		}
		browser.find("compare-selected").click();
		WebElement chart = browser.find("compare-chart");
		browser.waitFor(driver -> "3".equals(chart.findElement(By.cssSelector("figure")).getAttribute("data-points")));
		assertThat(chart.findElements(By.cssSelector(".u-legend .u-series"))).as("epoch and one series per job")
			.hasSize(3);
		new Select(browser.driver().findElement(By.id("compare-metric"))).selectByValue("testLoss");
		assertThat(browser.driver().getCurrentUrl()).contains("metric=testLoss").contains(firstJob).contains(second);
		browser.assertEveryControlIsLabelled();
		browser.screenshot("compare");
	}

	@Test
	@Order(5)
	void modelsAreListedAndATrainerPinsTheDefault() throws IOException {
		browser.signIn(TRAINER_KEY);
		browser.open("#/models");
		browser.waitFor(driver -> browser.all("model-row").size() == 2);
		WebElement first = row("model-row", firstJob);
		assertThat(first.findElements(Browser.byTestId("default-model"))).as("the newest model is the default")
			.isEmpty();
		first.findElement(Browser.byTestId("make-default")).click();
		browser.waitFor(driver -> row("model-row", firstJob).findElements(Browser.byTestId("default-model")).size() == 1);
		JsonNode pinned = json.readTree(trainer.get("/models/" + firstJob).body());
		assertThat(pinned.path("isDefault").asBoolean()).isTrue();

		WebElement aliasForm = browser.find("alias-form");
		type(aliasForm, "alias-name", "production");
		new org.openqa.selenium.support.ui.Select(aliasForm.findElement(By.id("alias-model"))).selectByValue(firstJob);
		browser.find("set-alias").click();
		browser.waitFor(driver -> row("model-row", firstJob).findElement(Browser.byTestId("model-aliases"))
			.getText()
			.contains("production"));
		JsonNode aliases = json.readTree(trainer.get("/models/aliases").body());
		assertThat(aliases.toString()).contains("\"alias\":\"production\"").contains(firstJob);

		row("model-row", firstJob).findElement(Browser.byTestId("export-model")).click();
		browser.waitFor(driver -> browser.driver().getPageSource().contains("Exported " + firstJob + ".safetensors"));
		browser.assertEveryControlIsLabelled();
		browser.screenshot("models");
	}

	@Test
	@Order(6)
	void aRealPngIsShownAsTheModelSeesItAndClassifiedAsItsClass() throws IOException {
		// A trouser from the test set, enlarged to 112×112 and inverted to dark on white as a photo
		// would be: the page must show it shrunk back to the 28×28 light-on-black input. The model is
		// right on most trousers, not all: take the first it gets right through the API.
		ImageSet test = RealFashionMnist.load().test();
		Path png = tmp.resolve("trouser.png");
		int index = -1;
		do {
			index = nextTrouser(test, index);
			ImageIO.write(photoOf(test, index), "png", png.toFile());
		}
		while (!"Trouser".equals(json.readTree(trainer.send(trainer.request("/predict?model=" + firstJob)
			.header("Content-Type", "image/png")
			.POST(HttpRequest.BodyPublishers.ofFile(png)))
			.body()).path("predictions").get(0).path("className").asString()));

		browser.signIn(TRAINER_KEY);
		browser.open("#/predict?model=" + firstJob);
		browser.waitFor(driver -> firstJob.equals(new Select(browser.find("predict-model")).getFirstSelectedOption()
			.getAttribute("value")));
		browser.assertEveryControlIsLabelled();
		browser.driver().findElement(Browser.byTestId("predict-input")).sendKeys(png.toAbsolutePath().toString());
		WebElement predicted = browser.find("predicted-class");
		assertThat(predicted.getText()).isEqualTo("Trouser");
		assertThat(browser.find("prediction").findElements(By.cssSelector("ol.bars li"))).hasSize(5);
		WebElement input = browser.find("model-input");
		browser.waitFor(driver -> (Boolean) browser.script("return arguments[0].complete", input));
		assertThat(browser.script("return arguments[0].naturalWidth + 'x' + arguments[0].naturalHeight", input))
			.isEqualTo("28x28");
		assertThat(((Number) browser.script("""
				const image = arguments[0];
				const canvas = document.createElement('canvas');
				canvas.width = 28; canvas.height = 28;
				const context = canvas.getContext('2d');
				context.drawImage(image, 0, 0);
				return context.getImageData(0, 0, 1, 1).data[0];""", input)).intValue())
			.as("the corner of the input is dark: the light background was inverted")
			.isLessThan(40);
		browser.screenshot("predict");

		// Dropped instead of chosen: the same answer, for the dropped file.
		browser.script("""
				const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
				const files = new DataTransfer();
				files.items.add(new File([bytes], 'dropped.png', {type: 'image/png'}));
				const zone = document.querySelector('[data-testid=drop-zone]');
				for (const type of ['dragenter', 'dragover', 'drop']) {
				  zone.dispatchEvent(new DragEvent(type, {dataTransfer: files, bubbles: true, cancelable: true}));
				}""", Base64.getEncoder().encodeToString(Files.readAllBytes(png)));
		browser.waitFor(driver -> !driver.findElements(By.cssSelector("img[alt$='dropped.png']")).isEmpty());
		browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(Browser.byTestId("predicted-class"), "Trouser"));
	}

	@Test
	@Order(7)
	void aRunningJobIsCancelledFromItsPage() throws IOException {
		String running = openAsTrainer(trainer.startJob("{\"epochs\": 50}"), "RUNNING", Duration.ofMinutes(1));
		browser.find("cancel-job").click();
		Alert confirm = browser.waitFor(ExpectedConditions.alertIsPresent());
		confirm.accept();
		browser.waitFor(Duration.ofMinutes(1),
				ExpectedConditions.textToBePresentInElementLocated(Browser.byTestId("job-state"), "CANCELLED"));
		assertThat(browser.all("cancel-job")).isEmpty();
		JsonNode job = json.readTree(trainer.get("/jobs/" + running).body());
		assertThat(job.path("state").asString()).isEqualTo("CANCELLED");

		browser.open("#/jobs");
		browser.waitFor(driver -> browser.all("job-row").size() == 3);
		assertThat(row("job-row", running).findElement(Browser.byTestId("job-state")).getText()).isEqualTo("CANCELLED");
		browser.screenshot("jobs");
	}

	@Test
	@Order(8)
	void aPredictorKeySeesNeitherTheStartFormNorCancelNorPinning() throws IOException {
		String running = trainer.startJob("{\"epochs\": 50}");
		browser.signIn(PREDICTOR_KEY);
		assertThat(browser.find("caller-role").getText()).isEqualTo("predictor key");
		browser.waitFor(driver -> !browser.all("job-row").isEmpty());
		assertThat(browser.all("start-job")).isEmpty();
		browser.screenshot("predictor-jobs");

		browser.open("#/models");
		browser.waitFor(driver -> !browser.all("model-row").isEmpty());
		assertThat(browser.all("make-default")).isEmpty();
		assertThat(browser.all("set-alias")).isEmpty();
		assertThat(browser.all("export-model")).as("a predictor may read, and so export").isNotEmpty();

		try {
			browser.openJob(running, "RUNNING", Duration.ofMinutes(1));
			assertThat(browser.all("cancel-job")).isEmpty();
		}
		finally {
			trainer.send(trainer.request("/jobs/" + running + "/cancel")
				.POST(HttpRequest.BodyPublishers.noBody()));
		}
		browser.open("#/predict");
		browser.find("predict-input");
	}

	@Test
	@Order(9)
	void aJobErrorAndResumeWithMarkupAreShownAsTextAndNeverRun() throws IOException {
		String id = UUID.randomUUID().toString();
		String error = "Disk full at <img src=x onerror=\"document.body.dataset.pwned='yes'\"><b>/data</b>";
		JdbcClient jdbc = dashboard.context().getBean(JdbcClient.class);
		String hyperparameters = jdbc.sql("SELECT hyperparameters FROM jobs WHERE id = ?").param(firstJob)
			.query(String.class).single();
		jdbc.sql("INSERT INTO jobs (id, state, hyperparameters, error, created_at, started_at, finished_at) "
				+ "VALUES (?, 'FAILED', ?, ?, ?, ?, ?)")
			.params(id, hyperparameters, error, Instant.now().atOffset(java.time.ZoneOffset.UTC),
					Instant.now().atOffset(java.time.ZoneOffset.UTC), Instant.now().atOffset(java.time.ZoneOffset.UTC))
			.update();
		jdbc.sql("INSERT INTO job_resumes (job_id, attempt, resumed_at, from_epoch, from_batch, reason) "
				+ "VALUES (?, 1, ?, 2, 17, ?)")
			.params(id, Instant.now().atOffset(java.time.ZoneOffset.UTC), "restarted after <i>SIGTERM</i>")
			.update();

		browser.signIn(TRAINER_KEY);
		browser.open("#/jobs/" + id);
		assertThat(browser.find("resumes").getText()).contains("resumed at epoch 2, batch 17")
			.contains("restarted after <i>SIGTERM</i>");
		WebElement shown = browser.find("job-error");
		assertThat(shown.getText()).contains(error);
		assertThat(shown.findElements(By.tagName("img"))).isEmpty();
		assertThat(shown.findElements(By.tagName("b"))).isEmpty();
		assertThat(browser.script("return document.body.dataset.pwned || null")).isNull();
		browser.screenshot("job-failed");
	}

	@Test
	@Order(10)
	void aJobPageFitsANarrowWindowAndWorksByKeyboard() throws IOException {
		browser.signIn(TRAINER_KEY);
		Dimension wide = browser.driver().manage().window().getSize();
		browser.driver().manage().window().setSize(new Dimension(400, 900));
		try {
			browser.open("#/jobs/" + firstJob);
			browser.find("confusion-matrix");
			browser.assertNoHorizontalScrolling();
			browser.screenshot("job-narrow");
			browser.open("#/jobs");
			browser.find("start-job");
			browser.assertNoHorizontalScrolling();
		}
		finally {
			browser.driver().manage().window().setSize(wide);
		}
		// On a freshly loaded page the first Tab reaches the skip link, Enter follows it, and the next
		// Tab goes into the page.
		browser.open("#/jobs");
		browser.driver().navigate().refresh();
		browser.find("start-job");
		new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
		assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("Skip to content");
		new Actions(browser.driver()).sendKeys(Keys.ENTER).sendKeys(Keys.TAB).perform();
		assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("job-architecture");
		assertThat(browser.driver().getCurrentUrl()).endsWith("#/jobs");
	}

	private static int nextTrouser(ImageSet test, int after) {
		int index = after + 1;
		while (test.label(index) != 1) {
			index++;
		}
		assertThat(index).as("a trouser the model recognises among the first thousand test images").isLessThan(1000);
		return index;
	}

	private static BufferedImage photoOf(ImageSet test, int index) {
		BufferedImage image = new BufferedImage(112, 112, BufferedImage.TYPE_BYTE_GRAY);
		for (int y = 0; y < 112; y++) {
			for (int x = 0; x < 112; x++) {
				int value = 255 - (test.pixels()[index * test.pixelsPerImage() + (y / 4) * 28 + x / 4] & 0xFF);
				image.getRaster().setSample(x, y, 0, value);
			}
		}
		return image;
	}

	private static WebElement row(String testId, String id) {
		return browser.all(testId)
			.stream()
			.filter(row -> id.equals(row.getAttribute(testId.equals("job-row") ? "data-job-id" : "data-model-id")))
			.findFirst()
			.orElseThrow();
	}

	private static void type(WebElement form, String id, String value) {
		WebElement input = form.findElement(By.id(id));
		input.clear();
		input.sendKeys(value);
	}

	/** Opens a job's page with a trainer key once the job is in {@code state}; answers the job. */
	private static String openAsTrainer(String job, String state, Duration atMost) {
		browser.signIn(TRAINER_KEY);
		browser.openJob(job, state, atMost);
		return job;
	}

}
