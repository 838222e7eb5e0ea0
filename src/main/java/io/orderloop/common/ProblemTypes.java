package io.orderloop.common;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problem {@code type} URIs: stable identifiers clients can switch on, documented in docs/api.md;
 * and the one way a problem document is built, and written where no MVC advice reaches (filters,
 * the security chain).
 */
public final class ProblemTypes {

  private ProblemTypes() {}

  public static URI of(String slug) {
    return URI.create("urn:orderloop:problem:" + slug);
  }

  /** The slug of a status without a more specific one: its name ({@code bad-request}). */
  public static String slug(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null
        ? "http-" + status
        : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The title of a status without a more specific one: its reason phrase. */
  public static String title(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null ? "Error" : known.getReasonPhrase();
  }

  /** A problem document. */
  public static ProblemDetail problem(int status, String slug, String title, String detail) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
    body.setType(of(slug));
    body.setTitle(title);
    return traced(body);
  }

  /** Adds the current trace id ({@code traceId}), to quote when asking about the request. */
  public static ProblemDetail traced(ProblemDetail body) {
    Traces.traceId().ifPresent(id -> body.setProperty("traceId", id));
    return body;
  }

  /** Writes {@code body} as the whole response, with its status. */
  public static void write(HttpServletResponse response, ProblemDetail body, JsonMapper json)
      throws IOException {
    response.setStatus(body.getStatus());
    response.setContentType("application/problem+json");
    response.getOutputStream().write(json.writeValueAsBytes(body));
  }
}
