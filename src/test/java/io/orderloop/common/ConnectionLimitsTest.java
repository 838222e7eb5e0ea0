package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.ApiTest;
import io.orderloop.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * HTTP over raw sockets: one address cannot hold more than its share of connections, headers that
 * trickle in are cut off at the deadline, and a body that trickles in is answered 408. The bench
 * measures the same under load (10,000 slow connections); these only check the rules hold.
 */
@TestPropertySource(
    properties = {
      "orderloop.http.max-connections-per-address=20",
      "orderloop.http.header-timeout=PT2S",
      "orderloop.http.body-timeout=PT2S"
    })
class ConnectionLimitsTest extends ApiTest {

  private Socket connect(String from) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    return socket;
  }

  /** True when the server closes the connection within {@code millis}. */
  private static boolean closedWithin(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // drain whatever the server answers before closing
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void one_address_holds_at_most_its_cap_and_others_are_still_served() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        idle.add(connect("127.0.0.3"));
      }
      try (Socket over = connect("127.0.0.3")) {
        assertThat(closedWithin(over, 1000)).as("the 21st connection is closed at once").isTrue();
      }
      assertThat(api.get("/api/v1/orders?limit=1").status())
          .as("another address is served")
          .isEqualTo(200);
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    await(
        "the address is admitted again once its connections closed",
        () -> {
          try {
            return RawHttp.send(
                        port, "127.0.0.3", RawHttp.request("GET", "/actuator/health", "", null))
                    .status()
                == 200;
          } catch (java.io.UncheckedIOException reset) {
            return false;
          }
        });
  }

  @Test
  void headers_that_trickle_in_past_the_deadline_lose_the_connection() throws Exception {
    try (Socket slow = connect("127.0.0.4")) {
      OutputStream out = slow.getOutputStream();
      out.write("GET /api/v1/orders HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      boolean closed = false;
      // One header line every 300 ms: each read is quick, the whole is not.
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException reset) {
          closed = true;
          break;
        }
        closed = closedWithin(slow, 300);
      }
      assertThat(closed).as("closed within 12 s although every line came within 0.3 s").isTrue();
    }
  }

  @Test
  void a_body_that_trickles_in_past_the_deadline_is_answered_408() throws Exception {
    try (Socket slow = connect("127.0.0.5")) {
      OutputStream out = slow.getOutputStream();
      out.write(
          ("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + ADMIN_KEY
                  + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 12; i++) {
        Thread.sleep(300);
        try {
          out.write(' ');
          out.flush();
        } catch (IOException closed) {
          break;
        }
      }
      slow.setSoTimeout(5000);
      String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json");
    }
  }
}
