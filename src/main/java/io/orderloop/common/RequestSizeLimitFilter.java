package io.orderloop.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies over {@code orderloop.http.max-body-size} with 413: at once when
 * Content-Length says so, and while reading when a chunked body grows past the limit. A body still
 * arriving {@code orderloop.http.body-timeout} after the request reached the application is
 * answered 408 (a slow-body attack holds nothing for long).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestSizeLimitFilter extends OncePerRequestFilter {

  private final long defaultLimit;
  private final java.util.Map<String, LargeBodyEndpoint> limits = new java.util.HashMap<>();
  private final long bodyNanos;
  private final JsonMapper json;

  RequestSizeLimitFilter(
      HttpProperties properties, java.util.List<LargeBodyEndpoint> large, JsonMapper json) {
    this.defaultLimit = properties.maxBodySize().toBytes();
    large.forEach(e -> limits.put(e.path(), e));
    this.bodyNanos = properties.bodyTimeout().toNanos();
    this.json = json;
  }

  static ProblemDetail tooSlow() {
    return ProblemTypes.problem(
        408,
        "request-timeout",
        "Request body too slow",
        "the request body arrived too slowly (orderloop.http.body-timeout); send it again");
  }

  static boolean isTooSlow(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BodyTooSlowException) {
        return true;
      }
    }
    return false;
  }

  static ProblemDetail tooLarge() {
    return ProblemTypes.problem(
        413,
        "too-large",
        "Request body too large",
        "the request body is larger than this service accepts (orderloop.http.max-body-size)");
  }

  static boolean isTooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BodyTooLargeException) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    LargeBodyEndpoint large = limits.get(request.getRequestURI());
    long limit = large == null ? defaultLimit : large.maxBodySize();
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      response.setHeader("Connection", "close");
      ProblemDetail body = tooLarge();
      if (large != null) {
        body.setDetail(
            "the request body is larger than this service accepts (" + large.setting() + ")");
      }
      body.setInstance(java.net.URI.create(request.getRequestURI()));
      ProblemTypes.write(response, body, json);
      return;
    }
    boolean hasBody =
        declared > 0 || (declared < 0 && request.getHeader("Transfer-Encoding") != null);
    chain.doFilter(
        hasBody ? new LimitedRequest(request, limit, System.nanoTime() + bodyNanos) : request,
        response);
  }

  static final class BodyTooLargeException extends IOException {
    BodyTooLargeException() {
      super("request body too large");
    }
  }

  static final class BodyTooSlowException extends IOException {
    BodyTooSlowException() {
      super("request body too slow");
    }
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long limit;
    private final long deadline;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request, long limit, long deadline) {
      super(request);
      this.limit = limit;
      this.deadline = deadline;
    }

    private void inTime() throws BodyTooSlowException {
      if (System.nanoTime() - deadline > 0) {
        throw new BodyTooSlowException();
      }
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream =
            new ServletInputStream() {
              private long count;

              @Override
              public int read() throws IOException {
                inTime();
                int b = in.read();
                inTime();
                if (b >= 0 && ++count > limit) {
                  throw new BodyTooLargeException();
                }
                return b;
              }

              @Override
              public int read(byte[] buf, int off, int len) throws IOException {
                inTime();
                int n = in.read(buf, off, len);
                inTime();
                if (n > 0 && (count += n) > limit) {
                  throw new BodyTooLargeException();
                }
                return n;
              }

              @Override
              public boolean isFinished() {
                return in.isFinished();
              }

              @Override
              public boolean isReady() {
                return in.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
              }
            };
      }
      return stream;
    }
  }
}
