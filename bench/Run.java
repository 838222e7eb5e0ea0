import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bench run: its configuration, the service under test, the HTTP client, the webhook receiver,
 * the results as they are measured and the correctness failures found. Passed to every scenario
 * instead of global state.
 */
final class Run {

  final Config config;
  final Http http;
  final Database db;
  final ServiceProcess service;
  final Receiver receiver = new Receiver();
  final Map<String, Object> results = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

  Run(Config config, String jar) {
    this.config = config;
    this.http = new Http(config, this);
    this.db = new Database(config);
    this.service = new ServiceProcess(config, jar, this);
  }

  /** A correctness check failed: the run will exit 1. */
  void fail(String what) {
    failures.add(what);
    System.err.println("FAILED: " + what);
  }

  List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** The reconciliation endpoint must come back clean after every scenario. */
  void checkReconciliation(String when) throws Exception {
    var body = http.getJson("/api/v1/inventory/reconciliation");
    if (!body.path("clean").asBoolean(false)) {
      String text = body.toString();
      fail("reconciliation not clean after " + when + ": " + text.substring(0, Math.min(300, text.length())));
    }
  }
}
