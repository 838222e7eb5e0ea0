package io.orderloop.common;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A refusal meant for the client: becomes an RFC 9457 problem document (type, title, status, detail
 * and any extra properties) in one central place, {@link ProblemHandler}. Throwing it inside a
 * transaction rolls the transaction back, so a refused request changes nothing.
 */
public class ApiProblem extends RuntimeException {

  private final HttpStatus status;
  private final String slug;
  private final String title;
  private final Map<String, Object> properties = new LinkedHashMap<>();

  public ApiProblem(HttpStatus status, String slug, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  /** 404: the named resource does not exist (or is not visible to the caller). */
  public static ApiProblem notFound(String detail) {
    return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "Not found", detail);
  }

  /**
   * 422: well-formed input that breaks a business rule; {@code field} names the offending field.
   * The problem lists it as {@code errors: [{field, detail}]}, the shape of every 422.
   */
  public static ApiProblem unprocessable(String field, String detail) {
    ApiProblem p =
        new ApiProblem(
            HttpStatus.UNPROCESSABLE_CONTENT,
            "validation",
            "Request breaks a business rule",
            field == null ? detail : field + ": " + detail);
    // The one shape of every 422: errors, each naming its field (null: the request as a whole).
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("field", field);
    error.put("detail", detail);
    p.with("errors", java.util.List.of(error));
    return p;
  }

  /** 409: the resource is not in a state that allows the request. */
  public static ApiProblem conflict(String slug, String title, String detail) {
    return new ApiProblem(HttpStatus.CONFLICT, slug, title, detail);
  }

  /** 412: the {@code If-Match} version is not the current one. */
  public static ApiProblem preconditionFailed(String detail) {
    return new ApiProblem(HttpStatus.PRECONDITION_FAILED, "stale-version", "Stale version", detail);
  }

  /** 400: a request that cannot be read at all. */
  public static ApiProblem badRequest(String detail) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail);
  }

  public ApiProblem with(String name, Object value) {
    properties.put(name, value);
    return this;
  }

  public HttpStatus status() {
    return status;
  }

  public URI type() {
    return ProblemTypes.of(slug);
  }

  public String title() {
    return title;
  }

  public Map<String, Object> properties() {
    return properties;
  }
}
