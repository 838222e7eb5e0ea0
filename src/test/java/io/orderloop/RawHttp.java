package io.orderloop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes exactly as given (bad request lines, control bytes in headers) — what no HTTP client
 * library will send — from a chosen local address on this machine, and reads the whole answer.
 */
public final class RawHttp {

  private RawHttp() {}

  /** A raw answer: status, the Content-Type header and the body. */
  public record Answer(int status, String contentType, String head, String body) {}

  public static Answer send(int port, String from, byte[] request) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      String text = out.toString(StandardCharsets.ISO_8859_1);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split);
      String body = split < 0 ? "" : text.substring(split + 4);
      if (head.toLowerCase().contains("transfer-encoding: chunked")) {
        body = dechunk(body);
      }
      int status = head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : 0;
      String contentType = null;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-type:")) {
          contentType = line.substring("content-type:".length()).strip();
        }
      }
      return new Answer(status, contentType, head, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request with {@code Connection: close}; {@code headers} are CRLF-terminated lines. */
  public static byte[] request(String method, String target, String headers, String body) {
    String text =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + headers
            + (body == null
                ? ""
                : "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n")
            + "\r\n"
            + (body == null ? "" : body);
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(body.substring(i, eol).strip(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
