import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;

/** Latency summaries, CPU and memory read from /proc, and the profile summary. */
final class Measurements {

  private Measurements() {}

  /** Latencies of one closed-loop scenario: exact percentiles from every sample. */
  static final class Stats {
    private final ConcurrentLinkedQueue<Long> samples = new ConcurrentLinkedQueue<>();

    void add(long nanos) {
      samples.add(nanos);
    }

    Map<String, Object> summary(double seconds) {
      long[] s = samples.stream().mapToLong(Long::longValue).sorted().toArray();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("requests", s.length);
      r.put("ordersPerSecond", seconds > 0 ? round(s.length / seconds) : null);
      r.put("p50Ms", ms(s, 0.50));
      r.put("p95Ms", ms(s, 0.95));
      r.put("p99Ms", ms(s, 0.99));
      r.put("maxMs", s.length == 0 ? null : round(s[s.length - 1] / 1e6));
      return r;
    }

    private static Double ms(long[] s, double q) {
      if (s.length == 0) {
        return null;
      }
      return round(s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)] / 1e6);
    }
  }

  /** Open-model percentiles from an HdrHistogram (3 significant digits). */
  static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("p50Ms", round(h.getValueAtPercentile(50) / 1e6));
    r.put("p95Ms", round(h.getValueAtPercentile(95) / 1e6));
    r.put("p99Ms", round(h.getValueAtPercentile(99) / 1e6));
    r.put("maxMs", round(h.getMaxValue() / 1e6));
    return r;
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** CPU time of one process (user + system), from /proc. */
  static long cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    return ticks * 10; // 100 ticks per second
  }

  /**
   * CPU time of the JIT compiler threads of one process (HotSpot's "C1 CompilerThread…" and "C2
   * CompilerThread…", from /proc/PID/task): the part of a short step's CPU that a service running
   * for days has long since spent. A compiler thread that ended meanwhile drops out of the sum (with
   * HotSpot's dynamic compiler threads, on hosts with more cores than this one's two), so the JIT's
   * share can then read low and the CPU without it high.
   */
  static long compilerCpuMs(long pid) throws IOException {
    long total = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            String stat = Files.readString(task.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
          }
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return total;
  }

  /** The /proc folders of the processes whose name starts with postgres. */
  private static java.util.List<Path> postgresProcesses() throws IOException {
    java.util.List<Path> found = new java.util.ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : dirs.toList()) {
        if (!dir.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (Files.readString(dir.resolve("comm")).strip().startsWith("postgres")) {
            found.add(dir);
          }
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    }
    return found;
  }

  /** The pids of the processes whose name starts with postgres. */
  static java.util.Set<Long> postgresPids() throws IOException {
    java.util.Set<Long> pids = new java.util.HashSet<>();
    for (Path dir : postgresProcesses()) {
      pids.add(Long.parseLong(dir.getFileName().toString()));
    }
    return pids;
  }

  /**
   * CPU time of every process whose name starts with postgres, with what their ended children had
   * (a backend's CPU moves to the postmaster's children's time when its connection closes, as
   * pgbench's do when it stops).
   */
  static long postgresCpuMs() throws IOException {
    long total = 0;
    for (Path dir : postgresProcesses()) {
      try {
        String stat = Files.readString(dir.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime + stime + cutime + cstime, in ticks of 10 ms
        total += (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
      } catch (IOException gone) {
        // the process ended meanwhile
      }
    }
    return total;
  }


  /** Resident memory of one process in MiB, or null when it is gone. */
  static Long rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /**
   * Shares of the service's CPU samples by part, from async-profiler's collapsed stacks. A sample
   * belongs to the part of its innermost frame outside the JDK (JDK code is charged to the library
   * that called it), so a filter of ours does not take in the framework code it wraps; compiler,
   * garbage collector and system-call samples go by their own frames.
   */
  static Map<String, Object> profileSummary(Path collapsed) throws IOException {
    String[][] parts = {
      {"PostgreSQL JDBC driver", "org/postgresql/"},
      {"connection pool", "com/zaxxer/"},
      {"JSON (Jackson)", "tools/jackson/", "com/fasterxml/jackson/"},
      {"Bean Validation", "org/hibernate/validator/", "jakarta/validation/"},
      {"webhook HTTP client (Apache HttpClient)", "org/apache/hc/"},
      {"Orderloop code", "io/orderloop/"},
      {"Spring JDBC and transactions", "org/springframework/jdbc/", "org/springframework/transaction/"},
      {"Spring Security", "org/springframework/security/"},
      {"Spring MVC and the rest of Spring", "org/springframework/"},
      {"metrics and tracing (Micrometer, OpenTelemetry)", "io/micrometer/", "io/opentelemetry/"},
      {"logging", "ch/qos/logback/", "org/slf4j/"},
      {"Tomcat and the Servlet API", "org/apache/", "jakarta/servlet/"},
    };
    Map<String, Long> counts = new LinkedHashMap<>();
    long total = 0;
    for (String line : Files.readAllLines(collapsed)) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long n = Long.parseLong(line.substring(space + 1).strip());
      String stack = line.substring(0, space);
      String[] frames = stack.split(";");
      String leaf = frames[frames.length - 1];
      total += n;
      String part = null;
      if (stack.contains("CompileBroker")) {
        part = "JIT compiler threads";
      } else if (frames[0].startsWith("G1") || stack.contains(";G1") && !stack.contains("/")) {
        part = "garbage collector";
      } else if (!leaf.contains("/") && (leaf.contains("_write") || leaf.contains("_read") || leaf.contains("send")
          || leaf.contains("recv") || leaf.startsWith("write") || leaf.startsWith("read"))) {
        part = "socket reads and writes (system calls)";
      } else {
        for (int i = frames.length - 1; i >= 0 && part == null; i--) {
          String f = frames[i];
          if (f.startsWith("java/") || f.startsWith("jdk/") || f.startsWith("sun/")) {
            if (f.contains("VirtualThread") || f.contains("Continuation") || f.contains("ForkJoin")) {
              part = "virtual thread scheduling";
            }
            continue;
          }
          for (String[] p : parts) {
            for (int k = 1; k < p.length && part == null; k++) {
              if (f.startsWith(p[k])) {
                part = p[0];
              }
            }
          }
        }
        if (part == null && stack.contains("G1")) {
          part = "garbage collector";
        }
      }
      counts.merge(part == null ? "other" : part, n, Long::sum);
    }
    Map<String, Object> shares = new LinkedHashMap<>();
    long all = total;
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> shares.put(e.getKey(), round(100.0 * e.getValue() / all)));
    return shares;
  }
}
