import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service under test: started from the built jar on the bench database (or a second instance
 * beside it), health-checked, profiled, measured (CPU, RSS) and stopped; start-up timed as shipped
 * and with the JDK's AOT cache.
 */
final class ServiceProcess {

  private final Config config;
  private final String jar;
  private final Run run;
  private Process process;
  private long maxRss;

  ServiceProcess(Config config, String jar, Run run) {
    this.config = config;
    this.jar = jar;
    this.run = run;
  }

  /** Starts the service on the configured port; the seconds until it answered healthy. */
  double start() throws Exception {
    long t0 = System.nanoTime();
    process =
        config.shipped()
            ? launchShipped(config.port(), "target/bench-service.log")
            : launch(jar, config.port(), "target/bench-service.log");
    waitHealthy(config.port(), process);
    return (System.nanoTime() - t0) / 1e9;
  }

  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }

  /** SIGKILL, as a crash would. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Starts another instance on {@code port} against the same database. */
  Process second(int port) throws Exception {
    Process second =
        config.shipped()
            ? launchShipped(port, "target/bench-service-2.log")
            : launch(jar, port, "target/bench-service-2.log");
    waitHealthy(port, second);
    return second;
  }

  long cpuMs() throws IOException {
    return Measurements.cpuMs(process.pid());
  }

  /** CPU time of the service's JIT compiler threads. */
  long compilerCpuMs() throws IOException {
    return Measurements.compilerCpuMs(process.pid());
  }

  Long rssMiB() {
    Long mib = Measurements.rssMiB(process.pid());
    if (mib != null) {
      maxRss = Math.max(maxRss, mib);
    }
    return mib;
  }

  long maxRssMiB() {
    return maxRss;
  }

  /**
   * Start-up as shipped for production, {@code bin/orderloop}: its first start of a jar extracts the
   * jar and makes the JDK's start-up cache with a training start (JDK 25: the AOT cache of JEP
   * 483/514/515), then starts; every later start uses the cache. Both are timed to healthy; the
   * second is the figure.
   */
  double aotStartup() throws Exception {
    stop();
    Path launchDir = Path.of(jar.substring(0, jar.length() - ".jar".length()) + ".launch");
    if (Files.exists(launchDir)) {
      try (var paths = Files.walk(launchDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    long t0 = System.nanoTime();
    process = launchShipped(config.port(), "target/bench-service-aot.log");
    waitHealthy(config.port(), process);
    double first = Measurements.round((System.nanoTime() - t0) / 1e9);
    run.results.put("startupSecondsLauncherFirst", first);
    System.err.println("first start via bin/orderloop (extract, training start, start): " + first + " s");
    stop();
    t0 = System.nanoTime();
    process = launchShipped(config.port(), "target/bench-service-aot.log");
    waitHealthy(config.port(), process);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.err.println("start-up via bin/orderloop: " + seconds + " s");
    return Measurements.round(seconds);
  }

  /**
   * With a profiler library configured (async-profiler's libasyncProfiler.so), sends it a command:
   * the intake steps are profiled into target/bench-intake-profile.html.
   */
  void profiler(String command) throws Exception {
    if (config.profiler().isBlank()) {
      return;
    }
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    System.err.println(
        Processes.run(List.of(jcmd, String.valueOf(process.pid()), "JVMTI.agent_load", config.profiler(), '"' + command + '"'))
            .strip());
  }

  /** Starts a service process on {@code port}, appending its output to {@code log}. */
  private Process launch(String jar, int port, String log, String... jvmOptions) throws IOException {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(List.of(jvmOptions));
    if (!config.serviceOptions().isBlank()) {
      command.addAll(Arrays.asList(config.serviceOptions().strip().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar, "--server.port=" + port));
    return start(command, log, null);
  }

  /** Starts the service through bin/orderloop (its JVM options and start-up cache), on this JDK. */
  private Process launchShipped(int port, String log) throws IOException {
    return start(List.of("bin/orderloop", jar, "--server.port=" + port), log, config.serviceOptions());
  }

  private Process start(List<String> command, String log, String javaOptions) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(log).toFile()));
    pb.environment().put("SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/" + Config.DB);
    pb.environment().put("SPRING_DATASOURCE_USERNAME", "postgres");
    pb.environment().put("ORDERLOOP_BOOTSTRAP_API_KEY", Config.KEY);
    // A console admin, for the console's pages at a million orders.
    pb.environment().put("ORDERLOOP_BOOTSTRAP_ADMIN_EMAIL", Scenarios.CONSOLE_EMAIL);
    pb.environment().put("ORDERLOOP_BOOTSTRAP_ADMIN_PASSWORD", Scenarios.CONSOLE_PASSWORD);
    // The bench's webhook receiver listens on 127.0.0.1.
    pb.environment().put("ORDERLOOP_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
    // As production is run: API-key hashes keyed with a configured server secret.
    pb.environment().put("ORDERLOOP_SECRETS_KEY", "bench-server-secret-0123456789abcdefghij");
    // The EDI drill's folders, shared with a gateway in production.
    pb.environment().put("ORDERLOOP_EDI_INBOUNDDIR", EdiDrill.IN.toString());
    pb.environment().put("ORDERLOOP_EDI_OUTBOUNDDIR", EdiDrill.OUT.toString());
    if (javaOptions != null) {
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      pb.environment().put("JAVA_OPTS", javaOptions);
    }
    return pb.start();
  }

  private void waitHealthy(int port, Process p) throws Exception {
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build();
    while (true) {
      try {
        if (run.http.client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the service died on start; see target/bench-service*.log");
      }
      Thread.sleep(50);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
