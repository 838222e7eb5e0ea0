package io.orderloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.orderloop.events.WebhookTargets.Kind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Unit tests of webhook egress: the address rule, and the delivery client that applies it to the
 * addresses it actually connects to. No test sends traffic anywhere but to its own listener on
 * 127.0.0.1; private and metadata addresses are only ever classified.
 */
class WebhookEgressTest {

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 204;
  private volatile long delayMillis;

  @BeforeEach
  void listen() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          requests.incrementAndGet();
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "8.8.8.8, PUBLIC",
    "2606:4700:4700::1111, PUBLIC",
    "127.0.0.1, LOOPBACK",
    "127.255.0.9, LOOPBACK",
    "::1, LOOPBACK",
    "0.0.0.0, UNSPECIFIED",
    "0.1.2.3, UNSPECIFIED",
    "::, UNSPECIFIED",
    "10.1.2.3, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "172.32.0.1, PUBLIC",
    "192.168.1.1, PRIVATE",
    "100.64.0.1, PRIVATE",
    "100.127.255.254, PRIVATE",
    "100.128.0.1, PUBLIC",
    "fd12:3456::1, PRIVATE",
    "fc00::1, PRIVATE",
    "169.254.1.1, LINK_LOCAL",
    "fe80::1, LINK_LOCAL",
    "169.254.169.254, METADATA",
    "169.254.170.2, METADATA",
    "100.100.100.200, METADATA",
    "168.63.129.16, METADATA",
    "192.0.0.192, METADATA",
    "fd00:ec2::254, METADATA",
    "::ffff:169.254.169.254, METADATA",
    "::ffff:10.0.0.1, PRIVATE",
    "64:ff9b::a9fe:a9fe, METADATA",
    "64:ff9b::7f00:1, LOOPBACK",
    "2002:7f00:1::1, LOOPBACK",
    "2002:0808:0808::1, PUBLIC",
    "2001:0:4136:e378::1, RESERVED",
    "2001:db8::1, RESERVED",
    "::127.0.0.1, RESERVED",
    "224.0.0.1, MULTICAST",
    "ff02::1, MULTICAST",
    "255.255.255.255, MULTICAST",
    "240.0.0.1, RESERVED",
    "192.0.2.10, RESERVED",
    "198.18.0.1, RESERVED",
  })
  void addresses_are_classified(String address, Kind kind) throws Exception {
    assertThat(WebhookTargets.classify(InetAddress.getByName(address))).isEqualTo(kind);
  }

  @Test
  void by_default_only_public_addresses_are_targets_and_metadata_never_is() throws Exception {
    WebhookTargets strict = new WebhookTargets(false);
    WebhookTargets relaxed = new WebhookTargets(true);
    for (String refused :
        new String[] {
          "127.0.0.1", "::1", "0.0.0.0", "::", "10.0.0.1", "172.16.0.1", "192.168.0.1"
        }) {
      assertThat(strict.refusal(refused, new InetAddress[] {InetAddress.getByName(refused)}))
          .as(refused)
          .isNotNull();
    }
    assertThat(strict.refusal("127.0.0.1", new InetAddress[] {InetAddress.getByName("127.0.0.1")}))
        .contains("ORDERLOOP_WEBHOOKS_ALLOW_PRIVATE_TARGETS");
    assertThat(relaxed.refusal("127.0.0.1", new InetAddress[] {InetAddress.getByName("127.0.0.1")}))
        .isNull();
    assertThat(relaxed.refusal("10.0.0.1", new InetAddress[] {InetAddress.getByName("10.0.0.1")}))
        .isNull();
    for (String never : new String[] {"169.254.169.254", "100.100.100.200", "fe80::1", "0.0.0.0"}) {
      assertThat(relaxed.refusal(never, new InetAddress[] {InetAddress.getByName(never)}))
          .as(never)
          .isNotNull();
    }
    assertThat(relaxed.refusal("Metadata.Google.Internal.", new InetAddress[0])).isNotNull();
    // One refused answer among several refuses the name: the client could connect to any of them.
    assertThat(
            strict.refusal(
                "mixed.example",
                new InetAddress[] {
                  InetAddress.getByName("8.8.8.8"), InetAddress.getByName("169.254.169.254")
                }))
        .contains("cloud metadata");
  }

  @Test
  void a_name_rebound_to_a_private_address_after_subscribing_is_refused_on_delivery()
      throws Exception {
    AtomicReference<String> answer = new AtomicReference<>("93.184.215.14");
    WebhookTargets.Resolver lying =
        host -> {
          if (!host.equals("hooks.example.com")) {
            throw new UnknownHostException(host);
          }
          return new InetAddress[] {InetAddress.getByName(answer.get())};
        };
    WebhookTargets strict = new WebhookTargets(false);
    assertThat(strict.refusal("hooks.example.com", lying)).as("public when subscribed").isNull();

    answer.set("127.0.0.1"); // the name now points at this machine
    try (WebhookClient client = new WebhookClient(strict, Duration.ofSeconds(2), lying)) {
      WebhookClient.Outcome outcome =
          client.post("http://hooks.example.com:" + port() + "/hook", Map.of(), "{}");
      assertThat(outcome.ok()).isFalse();
      assertThat(outcome.error()).isEqualTo(WebhookClient.TARGET_REFUSED);
      answer.set("127.0.0.2");
      assertThat(
              client.post("http://hooks.example.com:" + port() + "/hook", Map.of(), "{}").error())
          .isEqualTo(WebhookClient.TARGET_REFUSED);
    }
    assertThat(requests).as("nothing reached the listener").hasValue(0);
  }

  @Test
  void address_literals_go_through_the_same_check() throws Exception {
    try (WebhookClient strict =
        new WebhookClient(
            new WebhookTargets(false), Duration.ofSeconds(2), WebhookTargets.Resolver.SYSTEM)) {
      assertThat(strict.post("http://127.0.0.1:" + port() + "/hook", Map.of(), "{}").error())
          .isEqualTo(WebhookClient.TARGET_REFUSED);
      assertThat(strict.post("http://[::1]:" + port() + "/hook", Map.of(), "{}").error())
          .isEqualTo(WebhookClient.TARGET_REFUSED);
    }
    assertThat(requests).hasValue(0);
    try (WebhookClient relaxed =
        new WebhookClient(
            new WebhookTargets(true), Duration.ofSeconds(2), WebhookTargets.Resolver.SYSTEM)) {
      WebhookClient.Outcome outcome =
          relaxed.post("http://127.0.0.1:" + port() + "/hook", Map.of(), "{}");
      assertThat(outcome.ok()).isTrue();
      assertThat(outcome.status()).isEqualTo(204);
    }
    assertThat(requests).hasValue(1);
  }

  @Test
  void the_delivery_log_records_coarse_outcomes_without_exception_text() throws Exception {
    try (WebhookClient client =
            new WebhookClient(
                new WebhookTargets(true), Duration.ofMillis(500), WebhookTargets.Resolver.SYSTEM);
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int closedPort;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        closedPort = s.getLocalPort();
      }
      assertThat(client.post("http://127.0.0.1:" + closedPort + "/hook", Map.of(), "{}").error())
          .isEqualTo("connection refused");

      // A listener that accepts and hangs up without answering.
      Thread.ofVirtual()
          .start(
              () -> {
                while (!silent.isClosed()) {
                  try (Socket s = silent.accept()) {
                    s.getInputStream().read();
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      assertThat(
              client
                  .post("http://127.0.0.1:" + silent.getLocalPort() + "/hook", Map.of(), "{}")
                  .error())
          .isEqualTo("connection failed");

      status = 503;
      WebhookClient.Outcome failed =
          client.post("http://127.0.0.1:" + port() + "/hook", Map.of(), "{}");
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.error()).isEqualTo("HTTP 5xx");

      status = 204;
      delayMillis = 1500;
      assertThat(client.post("http://127.0.0.1:" + port() + "/hook", Map.of(), "{}").error())
          .isEqualTo("timeout");
      assertThat(client.post("http://nowhere.invalid/hook", Map.of(), "{}").error())
          .isEqualTo("host not found");
    }
  }

  @Test
  void a_receiver_that_answers_with_an_endless_body_is_cut_off_and_counted_as_delivered()
      throws Exception {
    server.createContext(
        "/endless",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, 0); // chunked
          byte[] chunk = new byte[64 * 1024];
          try (var out = exchange.getResponseBody()) {
            for (int i = 0; i < 100_000; i++) { // far more than the client reads, slowly
              out.write(chunk);
              out.flush();
              Thread.sleep(5);
            }
          } catch (Exception clientWentAway) {
            // expected: the client stops reading after 64 kB
          }
        });
    try (WebhookClient client =
        new WebhookClient(
            new WebhookTargets(true), Duration.ofSeconds(3), WebhookTargets.Resolver.SYSTEM)) {
      WebhookClient.Outcome outcome =
          client.post("http://127.0.0.1:" + port() + "/endless", Map.of(), "{}");
      assertThat(outcome.error()).as("not a timeout: the rest of the body was never read").isNull();
      assertThat(outcome.ok()).isTrue();
      assertThat(outcome.status()).isEqualTo(200);
    }
  }

  @Test
  void a_redirect_is_an_answer_not_a_hop() throws Exception {
    AtomicInteger followed = new AtomicInteger();
    server.createContext(
        "/moved",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Location", "/elsewhere");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    server.createContext(
        "/elsewhere",
        exchange -> {
          followed.incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    try (WebhookClient client =
        new WebhookClient(
            new WebhookTargets(true), Duration.ofSeconds(2), WebhookTargets.Resolver.SYSTEM)) {
      WebhookClient.Outcome outcome =
          client.post("http://127.0.0.1:" + port() + "/moved", Map.of(), "{}");
      assertThat(outcome.ok()).isFalse();
      assertThat(outcome.status()).isEqualTo(302);
      assertThat(outcome.error()).isEqualTo("HTTP 3xx");
    }
    assertThat(followed).as("the Location was never requested").hasValue(0);
  }
}
