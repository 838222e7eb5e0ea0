package io.orderloop.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses, before anything reads them, requests whose header values contain control characters (C0
 * other than tab, DEL, C1) or whose query parameters break {@link TextRules}: a 400 problem naming
 * the header or parameter and the character, never the value (a header may carry a secret), and
 * nothing logged. It runs inside the error budget, so such requests are counted like any other
 * refusal. Without it the security firewall would refuse the same header later, when a controller
 * first reads it, as an unexpected error.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 6)
public class RequestChecks extends OncePerRequestFilter {

  private final JsonMapper json;

  RequestChecks(JsonMapper json) {
    this.json = json;
  }

  /** The answer to a request the security firewall refused (its URL or a header). */
  public static ProblemDetail rejected() {
    return ProblemTypes.problem(
        400,
        "rejected-request",
        "Request refused",
        "the request URL or a header contains something this service refuses: an encoded '/',"
            + " '\\', '%', '.' or NUL, a ';', '//', '..', or a control character; send a plain URL"
            + " and visible-ASCII header values");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String problem = headerProblem(request);
    if (problem == null && request.getQueryString() != null) {
      problem = queryProblem(request);
    }
    if (problem != null) {
      ProblemTypes.write(
          response,
          ProblemTypes.problem(400, "rejected-request", "Request refused", problem),
          json);
      return;
    }
    chain.doFilter(request, response);
  }

  private static String headerProblem(HttpServletRequest request) {
    Enumeration<String> names = request.getHeaderNames();
    while (names.hasMoreElements()) {
      String name = names.nextElement();
      Enumeration<String> values = request.getHeaders(name);
      while (values.hasMoreElements()) {
        String value = values.nextElement();
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if ((c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
            return "the header "
                + name
                + " contains the control character "
                + String.format("0x%02X", (int) c)
                + "; header values must be visible ASCII";
          }
        }
      }
    }
    return null;
  }

  /**
   * Checks the query string as sent, decoded here: asking the container for parameters could make
   * it read a form or multipart body before the size limit, the body deadline and authentication.
   */
  private static String queryProblem(HttpServletRequest request) {
    for (String pair : request.getQueryString().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        return "a query parameter is not valid percent-encoding; encode its bytes as UTF-8";
      }
      String nameProblem = TextRules.problem(name);
      if (nameProblem != null) {
        return "a query parameter name " + nameProblem;
      }
      String valueProblem = TextRules.problem(value);
      if (valueProblem != null) {
        return "the query parameter " + name + " " + valueProblem;
      }
    }
    return null;
  }
}
