package io.orderloop.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through Debian's {@code chromium} and {@code chromedriver} (or those
 * named by {@code CHROMIUM_BINARY} and {@code CHROMEDRIVER}). Where they are missing the browser
 * tests skip with a message, except under {@code CI=true}, where they fail.
 */
final class Chromium implements AutoCloseable {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static final String BINARY = env("CHROMIUM_BINARY", "/usr/bin/chromium");
  private static final String DRIVER = env("CHROMEDRIVER", "/usr/bin/chromedriver");

  final WebDriver driver;
  private final Path profile;

  private Chromium(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips the calling test where Chromium is missing, outside CI; under CI it must be there. */
  static void requireInstalled() {
    boolean installed = Files.isExecutable(Path.of(BINARY)) && Files.isExecutable(Path.of(DRIVER));
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "CI=true but Chromium is missing ("
              + BINARY
              + ", "
              + DRIVER
              + "): .ci/run installs the Debian packages chromium and chromium-driver");
    }
    Assumptions.assumeTrue(
        installed,
        "browser tests skipped: install Chromium and its driver (Debian: apt-get install chromium"
            + " chromium-driver), or set CHROMIUM_BINARY and CHROMEDRIVER");
  }

  static Chromium start() {
    requireInstalled();
    try {
      Path profile = Files.createTempDirectory("orderloop-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(BINARY);
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-quic",
          "--no-first-run",
          "--window-size=1440,1000",
          "--user-data-dir=" + profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(new File(DRIVER))
              .usingAnyFreePort()
              .build();
      WebDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      return new Chromium(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  WebDriverWait waiting(Duration d) {
    return new WebDriverWait(driver, d);
  }

  /**
   * Waits until an element shows a text (htmx swaps pages in place, so elements found earlier go
   * stale).
   */
  void waitForText(By locator, String text) {
    waiting(Duration.ofSeconds(5))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .withMessage(() -> "waiting for \"" + text + "\" in " + locator)
        .until(d -> d.findElement(locator).getText().contains(text));
  }

  /** Clicks a button whose action asks for confirmation, and confirms. */
  void confirm(By button) {
    driver.findElement(button).click();
    waiting(Duration.ofSeconds(5))
        .until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent())
        .accept();
  }

  /** Signs in through the login form and waits for the board. */
  Chromium signIn(String base, String email, String password) {
    driver.get(base + "/login");
    driver.findElement(By.id("username")).sendKeys(email);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.cssSelector("form button[type=submit]")).click();
    waiting(Duration.ofSeconds(10)).until(d -> !d.getCurrentUrl().contains("/login"));
    return this;
  }

  /** JavaScript errors the page reported to the console since the last call. */
  List<String> scriptErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * Writes a screenshot to {@code target/screenshots/}; with {@code
   * -Dorderloop.screenshots.write=true} also to the committed {@code docs/screenshots/}.
   */
  void screenshot(String name) {
    try {
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.createDirectories(SCREENSHOTS);
      Files.copy(
          shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
      if (Boolean.getBoolean("orderloop.screenshots.write")) {
        Path docs = Path.of("docs", "screenshots");
        Files.createDirectories(docs);
        Files.copy(shot.toPath(), docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a script in the page (async: its last argument is the callback) and returns its result.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> fetch(String script, Object... args) {
    return (Map<String, Object>)
        ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  Object js(String script, Object... args) {
    return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, args);
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary profile: the system cleans it up in the end
    }
  }

  private static String env(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : v;
  }
}
