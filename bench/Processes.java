import java.util.List;

/** Runs a command to its end and returns its output; a non-zero exit is an exception. */
final class Processes {

  private Processes() {}

  static String run(List<String> command) throws Exception {
    return run(command, null);
  }

  /** Runs a command with {@code input} on its standard input (SQL of any length, say). */
  static String run(List<String> command, String input) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var stdin = p.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      String shown = String.join(" ", command);
      throw new IllegalStateException(shown.substring(0, Math.min(60, shown.length())) + " failed: " + out);
    }
    return out;
  }
}
