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

  /** CPU time of one process (user + system), from /proc. */
  static long cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    return ticks * 10; // 100 ticks per second
  }

  /** CPU time of every process whose name starts with postgres (pgbench's backends run apart). */
  static long postgresCpuMs() throws IOException {
    long total = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path dir : dirs.toList()) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (Files.readString(dir.resolve("comm")).strip().startsWith("postgres")) {
            total += cpuMs(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // the process ended meanwhile
        }
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

  /** Shares of the service's CPU samples by part, from async-profiler's collapsed stacks. */
  static Map<String, Object> profileSummary(Path collapsed) throws IOException {
    String[][] parts = {
      {"JIT compiler threads", "CompileBroker"},
      {"garbage collector", "G1"},
      {"socket reads and writes (system calls)", "__GI_write", "__GI_read", "__libc_write", "__libc_read", "send", "recv"},
      {"PostgreSQL JDBC driver", "org/postgresql"},
      {"connection pool", "com/zaxxer"},
      {"JSON (Jackson)", "tools/jackson"},
      {"Bean Validation", "org/hibernate/validator"},
      {"webhook HTTP client (Apache HttpClient)", "org/apache/hc/"},
      {"webhook signatures (HMAC)", "javax/crypto", "com/sun/crypto"},
      {"Orderloop code", "io/orderloop"},
      {"Spring JDBC and transactions", "org/springframework/jdbc", "org/springframework/transaction"},
      {"Spring Security", "org/springframework/security"},
      {"Spring MVC and the rest of Spring", "org/springframework"},
      {"Tomcat", "org/apache"},
      {"virtual thread scheduling", "ForkJoin", "Continuation", "VirtualThread"},
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
      String part = "other";
      outer:
      for (String[] p : parts) {
        for (int k = 1; k < p.length; k++) {
          // System calls are judged by the leaf frame, the rest by any frame (the innermost part
          // wins for ours: listed before the frameworks that call into it).
          boolean hit = p[0].startsWith("socket") ? leaf.contains(p[k]) : stack.contains(p[k]);
          if (hit) {
            part = p[0];
            break outer;
          }
        }
      }
      counts.merge(part, n, Long::sum);
    }
    Map<String, Object> shares = new LinkedHashMap<>();
    long all = total;
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> shares.put(e.getKey(), round(100.0 * e.getValue() / all)));
    return shares;
  }
}
