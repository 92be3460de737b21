package io.atelier.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import io.atelier.testing.Need;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real headless Chromium driven by Selenium, for the dashboard's tests. Without Debian's
 * {@code chromium} and {@code chromium-driver} those tests skip, or fail where
 * {@code ATELIER_REQUIRE_BROWSER=true} (see {@link Need#BROWSER}).
 */
final class Browser implements AutoCloseable {

	static final Path SCREENSHOTS = Path.of("target/dashboard-screenshots");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String[] CHROMIUM = { "chromium", "chromium-browser", "google-chrome" };

	private static final String[] CHROMEDRIVER = { "chromedriver" };

	private final ChromeDriver driver;

	private final String base;

	private Browser(ChromeDriver driver, String base) {
		this.driver = driver;
		this.base = base;
	}

	/** Starts a browser with a fresh profile under {@code profile}, pointed at {@code base}. */
	static Browser start(Path profile, String base) {
		requireBrowser();
		Path chromium = executable(CHROMIUM);
		Path chromedriver = executable(CHROMEDRIVER);
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--disable-default-apps", "--lang=en-GB", "--window-size=1280,900", "--user-data-dir=" + profile);
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		// Naming the driver keeps Selenium Manager, which would download one, out of it.
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
			.usingAnyFreePort()
			.build();
		return new Browser(new ChromeDriver(service, options), base);
	}

	/** Skips the calling test without a browser, or fails it where one is required. */
	static void requireBrowser() {
		Need.BROWSER.require(executable(CHROMIUM) != null && executable(CHROMEDRIVER) != null);
	}

	private static Path executable(String... names) {
		return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
			.flatMap(dir -> Stream.of(names).map(name -> Path.of(dir, name)))
			.filter(Files::isExecutable)
			.findFirst()
			.orElse(null);
	}

	WebDriver driver() {
		return driver;
	}

	void open(String hash) {
		driver.get(base + "/" + hash);
	}

	WebElement find(String testId) {
		return waitFor(ExpectedConditions.visibilityOfElementLocated(byTestId(testId)));
	}

	List<WebElement> all(String testId) {
		return driver.findElements(byTestId(testId));
	}

	static By byTestId(String testId) {
		return By.cssSelector("[data-testid='" + testId + "']");
	}

	<T> T waitFor(java.util.function.Function<? super WebDriver, T> condition) {
		return waitFor(WAIT, condition);
	}

	<T> T waitFor(Duration atMost, java.util.function.Function<? super WebDriver, T> condition) {
		// The pages redraw live, so an element found a moment ago may have been replaced since.
		return new WebDriverWait(driver, atMost).pollingEvery(Duration.ofMillis(50))
			.ignoring(StaleElementReferenceException.class)
			.until(condition);
	}

	Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) driver).executeScript(script, arguments);
	}

	/** Forgets the key of an earlier test and loads the dashboard afresh. */
	void signOut() {
		open("");
		script("sessionStorage.clear()");
		driver.navigate().refresh();
	}

	/** Opens a job's page and waits until it shows the job in {@code state}. */
	void openJob(String id, String state, Duration atMost) {
		open("#/jobs/" + id);
		waitFor(atMost, ExpectedConditions.textToBePresentInElementLocated(byTestId("job-state"), state));
	}

	void signIn(String key) {
		signOut();
		WebElement input = find("api-key");
		input.sendKeys(key);
		input.submit();
		find("caller-role");
	}

	/** Saves the whole page, as tall as it is, under target/dashboard-screenshots. */
	Path screenshot(String name) throws IOException {
		Map<?, ?> page = (Map<?, ?>) script("return {width: document.documentElement.clientWidth, "
				+ "height: Math.min(6000, document.documentElement.scrollHeight)}");
		Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", page.get("width"), "height", page.get("height"),
				"scale", 1);
		Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
		Files.createDirectories(SCREENSHOTS);
		Path file = SCREENSHOTS.resolve(name + ".png");
		Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
		return file;
	}

	/** Every visible form control has a label a screen reader can read. */
	void assertEveryControlIsLabelled() {
		Object unlabelled = script("""
				return [...document.querySelectorAll('input, select, textarea, button')]
				  .filter(e => e.type !== 'hidden')
				  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
				     && !(e.tagName === 'BUTTON' && e.textContent.trim()))
				  .map(e => e.outerHTML);""");
		assertThat((List<?>) unlabelled).as("controls without a label").isEmpty();
	}

	/** The page fits the window's width: nothing to scroll sideways but wide tables in their own box. */
	void assertNoHorizontalScrolling() {
		Object overflow = script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
		assertThat(((Number) overflow).intValue()).as("pixels scrolled sideways").isLessThanOrEqualTo(0);
	}

	/** Console messages so far; a Content-Security-Policy violation shows up here. */
	List<String> consoleErrors() {
		return driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	Map<String, Object> sessionStorage() {
		@SuppressWarnings("unchecked")
		Map<String, Object> storage = (Map<String, Object>) script("return Object.assign({}, sessionStorage)");
		return storage;
	}

	@Override
	public void close() {
		driver.quit();
	}

}
