package io.orderloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last (junit-platform.properties orders classes by {@code @Order}) and reads what every test
 * class before it logged (surefire keeps each class's output in {@code target/surefire-reports}):
 * no API key, webhook secret, store token, sign-in link or session token, signature, e-mail address
 * or street address may appear. The suite drives all of them through the service, so a log line
 * that leaked one would be here.
 */
@Order(Integer.MAX_VALUE)
class LogScanTest {

  static final Map<String, Pattern> SECRETS =
      Map.ofEntries(
          Map.entry("an API key", Pattern.compile("\\bol[b]?_[A-Za-z0-9]{4,}_[A-Za-z0-9_-]{30,}")),
          Map.entry("the bootstrap key", Pattern.compile(Pattern.quote(ApiTest.ADMIN_KEY))),
          Map.entry("a webhook secret", Pattern.compile("whsec_[A-Za-z0-9+/=]{16,}")),
          Map.entry(
              "a store token", Pattern.compile("shpat_[A-Za-z0-9_]{4,}|EAAA[A-Za-z0-9_-]{20,}")),
          Map.entry(
              "a portal link or session, or a confirmation token",
              Pattern.compile("\\b(olp|olc|cxl)_[A-Za-z0-9_-]{20,}")),
          Map.entry("a webhook signature", Pattern.compile("v1,[A-Za-z0-9+/]{40,}={0,2}")),
          Map.entry(
              "an e-mail address",
              Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}")),
          Map.entry(
              "a street address",
              Pattern.compile("1 Loop Road|1 Test Way|400 Foundry Rd|1 Main St|1 Road\\b")));

  /** Logs of this test JVM's classes, not a previous build's left in target/. */
  private static boolean writtenByThisRun(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis()
          >= java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void the_suites_logs_hold_no_secret_or_personal_data() throws IOException {
    Path reports = Path.of("target", "surefire-reports");
    List<Path> outputs;
    try (Stream<Path> files = Files.exists(reports) ? Files.list(reports) : Stream.<Path>empty()) {
      outputs =
          files
              .filter(p -> p.getFileName().toString().endsWith("-output.txt"))
              .filter(p -> !p.getFileName().toString().contains("LogScanTest"))
              .filter(LogScanTest::writtenByThisRun)
              .toList();
    }
    Assumptions.assumeTrue(
        outputs.size() >= 10,
        "run with the whole suite (./mvnw verify): only "
            + outputs.size()
            + " test classes' logs to read");
    List<String> found = new ArrayList<>();
    for (Path output : outputs) {
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        for (var e : SECRETS.entrySet()) {
          Matcher m = e.getValue().matcher(lines.get(i));
          if (m.find()) {
            found.add(
                output.getFileName()
                    + ":"
                    + (i + 1)
                    + " "
                    + e.getKey()
                    + ": "
                    + lines.get(i).substring(0, Math.min(300, lines.get(i).length())));
          }
        }
      }
    }
    assertThat(found).as("log lines that leak").isEmpty();
  }
}
