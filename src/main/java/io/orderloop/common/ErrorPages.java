package io.orderloop.common;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.UUID;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors that never reach a controller still answer like the API: requests Tomcat refuses while
 * parsing (a bad request line, a header over the size limit, an encoded NUL or '/' in the path) and
 * errors forwarded to {@code /error} (an exception in a filter). Under {@code /api}, {@code
 * /channels}, {@code /carriers}, {@code /actuator} and {@code /v3} the answer is always {@code
 * application/problem+json}; elsewhere (the console) a browser gets a short readable HTML page and
 * other clients the problem document. {@code /error} requested directly is a 404.
 */
@Configuration(proxyBeanMethods = false)
class ErrorPages {

  private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

  /** Replaces Tomcat's HTML error report (on the host, for parse failures) with ours. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports(JsonMapper json) {
    return new OrderedCustomizer(json);
  }

  static final class OrderedCustomizer
      implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
    private final JsonMapper json;

    OrderedCustomizer(JsonMapper json) {
      this.json = json;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
      factory.addContextCustomizers(
          context -> {
            Container parent = context.getParent();
            if (parent instanceof org.apache.catalina.core.StandardHost host) {
              host.setErrorReportValveClass(ProblemReportValve.class.getName());
              for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                  host.getPipeline().removeValve(valve);
                }
              }
              host.getPipeline().addValve(new ProblemReportValve(json));
            }
          });
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE; // after Boot's own, which adds Tomcat's HTML valve
    }
  }

  /** True for paths that belong to machines: they always get problem documents. */
  static boolean machinePath(String path) {
    return path == null
        || path.startsWith("/api/")
        || path.equals("/api")
        || path.startsWith("/channels/")
        || path.startsWith("/carriers/")
        || path.startsWith("/actuator")
        || path.startsWith("/v3/")
        || path.startsWith("/mcp");
  }

  /** What to tell the client about a status nothing more specific explained. */
  static String detail(int status) {
    return switch (status) {
      case 400 ->
          "the request could not be read: a malformed request line or header, a header over the"
              + " size limit, or a URL with an encoded NUL, '/' or '\\'; send a well-formed request";
      case 404 -> "no such endpoint; the API is described at /v3/api-docs";
      case 405 -> "this endpoint does not take that method";
      case 408 -> "the request took too long to arrive; send it again";
      case 413 -> "the request is larger than this service accepts";
      case 414 -> "the URL is longer than this service accepts";
      case 431 -> "the request headers are larger than this service accepts";
      case 503 -> "the service is unavailable right now; retry in a few seconds";
      default ->
          status >= 500
              ? "unexpected error; retry, and report it if it persists"
              : "the request was refused (" + status + ")";
    };
  }

  static String html(int status, String detail) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + status
        + " "
        + htmlEscape(ProblemTypes.title(status))
        + " · Orderloop</title></head><body style=\"font-family:system-ui,sans-serif;"
        + "max-width:40rem;margin:4rem auto;padding:0 1rem\"><h1>"
        + htmlEscape(ProblemTypes.title(status))
        + "</h1><p>"
        + htmlEscape(detail)
        + "</p><p><a href=\"/\">Back to the console</a></p></body></html>";
  }

  private static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /**
   * Tomcat's error report, for responses that failed before or outside the application: a problem
   * document (or the HTML page on console paths), without server details.
   */
  public static class ProblemReportValve extends ErrorReportValve {

    private final JsonMapper json;

    public ProblemReportValve(JsonMapper json) {
      this.json = json;
      setShowReport(false);
      setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int status = response.getStatus();
      if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
        return;
      }
      String path;
      try {
        path = request.getRequestURI();
      } catch (RuntimeException e) {
        path = null;
      }
      boolean html = !machinePath(path) && acceptsHtml(request.getHeader("Accept"));
      try {
        response.setContentType(html ? "text/html" : "application/problem+json");
        response.setCharacterEncoding("UTF-8");
        PrintWriter writer = response.getReporter();
        if (writer != null) {
          writer.write(
              html
                  ? html(status, detail(status))
                  : json.writeValueAsString(
                      ProblemTypes.problem(
                          status,
                          ProblemTypes.slug(status),
                          ProblemTypes.title(status),
                          detail(status))));
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // the client is gone; nothing to tell it
      }
    }
  }

  static boolean acceptsHtml(String accept) {
    return accept != null && accept.contains("text/html");
  }

  /**
   * {@code /error}: where the container forwards errors raised outside MVC's exception handling (in
   * a filter, say). Requested directly it is just a path that does not exist.
   */
  @Controller
  static class ErrorEndpoint implements ErrorController {

    @RequestMapping("/error")
    ResponseEntity<?> error(HttpServletRequest request) {
      Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
      if (!(code instanceof Integer status)) {
        return problem(404, "no endpoint " + request.getMethod() + " /error", request, null);
      }
      Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
      Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
      if (rejectedByFirewall(failure)) {
        ProblemDetail body = RequestChecks.rejected();
        return ResponseEntity.status(400)
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(body);
      }
      String reference = null;
      if (status >= 500) {
        reference = UUID.randomUUID().toString();
        log.error(
            "unexpected error {} on {} {}", reference, request.getMethod(), original, failure);
      }
      return problem(status, detail(status), request, reference);
    }

    private static boolean rejectedByFirewall(Throwable t) {
      for (; t != null; t = t.getCause()) {
        if (t instanceof org.springframework.security.web.firewall.RequestRejectedException) {
          return true;
        }
      }
      return false;
    }

    private static ResponseEntity<?> problem(
        int status, String detail, HttpServletRequest request, String reference) {
      Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
      String path = original instanceof String s ? s : request.getRequestURI();
      if (reference != null) {
        detail = "unexpected error; quote reference " + reference + " when reporting it";
      }
      if (!machinePath(path) && acceptsHtml(request.getHeader("Accept"))) {
        return ResponseEntity.status(status)
            .contentType(MediaType.TEXT_HTML)
            .body(html(status, detail));
      }
      ProblemDetail body =
          ProblemTypes.problem(
              status, ProblemTypes.slug(status), ProblemTypes.title(status), detail);
      if (reference != null) {
        body.setProperty("reference", reference);
      }
      return ResponseEntity.status(status)
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .body(body);
    }
  }
}
