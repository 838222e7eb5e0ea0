package io.orderloop.common;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * The one place where failures become RFC 9457 problem documents. Client mistakes get a 4xx with a
 * detail a person can act on; anything unexpected is logged with a reference and answered 500
 * without internals.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  /** Field errors listed in one problem at most. */
  private static final int REPORTED_ERRORS = 20;

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
    body.setType(problem.type());
    body.setTitle(problem.title());
    problem.properties().forEach(body::setProperty);
    return respond(body);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, String>> errors = new ArrayList<>();
    for (FieldError error : ex.getBindingResult().getFieldErrors()) {
      errors.add(
          Map.of("field", error.getField(), "detail", String.valueOf(error.getDefaultMessage())));
    }
    ex.getBindingResult()
        .getGlobalErrors()
        .forEach(
            e ->
                errors.add(
                    Map.of(
                        "field",
                        e.getObjectName(),
                        "detail",
                        String.valueOf(e.getDefaultMessage()))));
    errors.sort(java.util.Comparator.comparing(e -> e.get("field") + ": " + e.get("detail")));
    List<String> messages =
        errors.stream().map(e -> e.get("field") + ": " + e.get("detail")).toList();
    String detail =
        String.join("; ", messages.subList(0, Math.min(REPORTED_ERRORS, messages.size())));
    if (messages.size() > REPORTED_ERRORS) {
      // A hostile body can break a rule thousands of times; the first few say what to fix.
      detail += "; and " + (messages.size() - REPORTED_ERRORS) + " more";
    }
    ProblemDetail body = validation(detail);
    body.setProperty("errors", errors.subList(0, Math.min(REPORTED_ERRORS, errors.size())));
    return new ResponseEntity<>(body, problemHeaders(), HttpStatus.UNPROCESSABLE_CONTENT);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, String>> errors =
        ex.getParameterValidationResults().stream()
            .flatMap(
                r ->
                    r.getResolvableErrors().stream()
                        .map(
                            e ->
                                Map.of(
                                    "field",
                                    String.valueOf(r.getMethodParameter().getParameterName()),
                                    "detail",
                                    String.valueOf(e.getDefaultMessage()))))
            .toList();
    ProblemDetail body =
        validation(
            errors.stream()
                .map(e -> e.get("field") + ": " + e.get("detail"))
                .collect(Collectors.joining("; ")));
    body.setProperty("errors", errors);
    return new ResponseEntity<>(body, problemHeaders(), HttpStatus.UNPROCESSABLE_CONTENT);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (RequestSizeLimitFilter.isTooLarge(ex)) {
      return new ResponseEntity<>(
          RequestSizeLimitFilter.tooLarge(), problemHeaders(), HttpStatus.CONTENT_TOO_LARGE);
    }
    if (RequestSizeLimitFilter.isTooSlow(ex)) {
      HttpHeaders closing = problemHeaders();
      closing.set(HttpHeaders.CONNECTION, "close");
      return new ResponseEntity<>(
          RequestSizeLimitFilter.tooSlow(), closing, HttpStatus.REQUEST_TIMEOUT);
    }
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, readableDetail(ex));
    body.setType(ProblemTypes.of("malformed-request"));
    body.setTitle("Malformed request body");
    return new ResponseEntity<>(body, problemHeaders(), HttpStatus.BAD_REQUEST);
  }

  /**
   * Spring's own problems (404 no such path, 405, 415, missing header, ...) get a type and a detail
   * like ours.
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex,
      Object body,
      HttpHeaders headers,
      HttpStatusCode statusCode,
      WebRequest request) {
    if (body == null && ex instanceof org.springframework.web.ErrorResponse errorResponse) {
      body = errorResponse.getBody();
    }
    if (body instanceof ProblemDetail problem) {
      if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
        problem.setType(ProblemTypes.of(ProblemTypes.slug(statusCode.value())));
      }
      if (problem.getDetail() == null || problem.getDetail().isBlank()) {
        problem.setDetail(problem.getTitle());
      }
      ProblemTypes.traced(problem);
    }
    return super.handleExceptionInternal(ex, body, headers, statusCode, request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      org.springframework.web.HttpMediaTypeNotSupportedException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String given = ex.getContentType() == null ? "no Content-Type" : ex.getContentType().toString();
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "this endpoint reads "
                + ex.getSupportedMediaTypes().stream()
                    .map(Object::toString)
                    .collect(Collectors.joining(" or "))
                + ", not "
                + given
                + "; send the body as JSON with Content-Type: application/json");
    body.setType(ProblemTypes.of("unsupported-media-type"));
    body.setTitle("Unsupported media type");
    HttpHeaders problemHeaders = problemHeaders();
    problemHeaders.putAll(headers);
    problemHeaders.set(HttpHeaders.CONTENT_TYPE, "application/problem+json");
    return new ResponseEntity<>(body, problemHeaders, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      org.springframework.web.servlet.resource.NoResourceFoundException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return noEndpoint(ex.getHttpMethod() + " /" + ex.getResourcePath());
  }

  /**
   * A path no handler serves (static files are only under {@code /assets}, so unknown paths end
   * here rather than in the resource handler): the same 404 problem.
   */
  @Override
  protected ResponseEntity<Object> handleNoHandlerFoundException(
      org.springframework.web.servlet.NoHandlerFoundException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return noEndpoint(ex.getHttpMethod() + " " + ex.getRequestURL());
  }

  private ResponseEntity<Object> noEndpoint(String request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.NOT_FOUND,
            "no endpoint "
                + request
                + "; the API is described at /v3/api-docs (Swagger UI: /swagger-ui.html)");
    body.setType(ProblemTypes.of("not-found"));
    body.setTitle("Not found");
    return new ResponseEntity<>(body, problemHeaders(), HttpStatus.NOT_FOUND);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException ex) {
    String detail = ex.getName() + ": '" + ex.getValue() + "' is not a valid value";
    Class<?> type = ex.getRequiredType();
    if (type != null && type.isEnum()) {
      detail += "; expected one of " + Arrays.toString(type.getEnumConstants());
    } else if (expected(type) != null) {
      detail += "; " + expected(type);
    }
    ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    body.setType(ProblemTypes.of("bad-parameter"));
    body.setTitle("Bad parameter");
    return respond(body);
  }

  @ExceptionHandler(DataIntegrityViolationException.class)
  ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException ex) {
    String state = sqlState(ex);
    if (state.startsWith("22")) {
      return dataException(state);
    }
    log.warn(
        "data integrity violation reached the client boundary: {}",
        ex.getMostSpecificCause().getMessage());
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.CONFLICT,
            "the request conflicts with data stored meanwhile; read the resource again and retry");
    body.setType(ProblemTypes.of("conflict"));
    body.setTitle("Conflict");
    return respond(body);
  }

  /**
   * A data exception (SQLSTATE class 22): a value got past the request's checks but not the
   * database's. Said by its real reason; input checks name the field before this is reached.
   */
  private ResponseEntity<ProblemDetail> dataException(String state) {
    String detail =
        switch (state) {
          case "22001" -> "a text value is longer than this service stores; shorten it";
          case "22021", "22P05" ->
              "a text value contains a character this service cannot store (such as NUL, U+0000);"
                  + " remove it";
          case "22007", "22008" -> "a date or time is outside the range this service stores";
          case "22003" -> "a number is larger than this service stores";
          default -> "a value in the request cannot be stored (" + state + "); check it";
        };
    HttpStatus status =
        state.equals("22021") || state.equals("22P05")
            ? HttpStatus.BAD_REQUEST
            : HttpStatus.UNPROCESSABLE_CONTENT;
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setType(ProblemTypes.of(status == HttpStatus.BAD_REQUEST ? "bad-text" : "out-of-range"));
    body.setTitle(
        status == HttpStatus.BAD_REQUEST ? "Text cannot be stored" : "Value out of range");
    return respond(body);
  }

  /**
   * The firewall refused something it read lazily (a header value, say). Its message quotes the
   * value, which may be a secret: it is neither logged nor returned.
   */
  @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
  ResponseEntity<ProblemDetail> rejected(Exception ex) {
    return respond(RequestChecks.rejected());
  }

  @ExceptionHandler({
    CannotGetJdbcConnectionException.class,
    DataAccessResourceFailureException.class,
    TransientDataAccessException.class
  })
  ResponseEntity<ProblemDetail> unavailable(Exception ex) {
    log.warn("database unavailable: {}", ex.getMessage());
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.SERVICE_UNAVAILABLE,
            "the database is not reachable right now; retry in a few seconds");
    body.setType(ProblemTypes.of("unavailable"));
    body.setTitle("Service unavailable");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "5")
        .headers(problemHeaders())
        .body(body);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception ex, HttpServletRequest request) {
    if (connectionLost(ex)) {
      // A connection broke under a statement or its rollback (the database restarted, say): the
      // transaction did not commit, so the client may retry.
      return unavailable(ex);
    }
    if (undecodable(ex)) {
      ProblemDetail body =
          ProblemDetail.forStatusAndDetail(
              HttpStatus.BAD_REQUEST,
              "a query parameter is not valid percent-encoded UTF-8; encode its bytes as UTF-8");
      body.setType(ProblemTypes.of("bad-parameter"));
      body.setTitle("Bad parameter");
      return respond(body);
    }
    String reference = UUID.randomUUID().toString();
    log.error(
        "unexpected error {} on {} {}",
        reference,
        request.getMethod(),
        request.getRequestURI(),
        ex);
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "unexpected error; quote reference " + reference + " when reporting it");
    body.setType(ProblemTypes.of("internal"));
    body.setTitle("Internal error");
    body.setProperty("reference", reference);
    return respond(body);
  }

  /** True when the cause is a lost or refused database connection (SQLSTATE class 08, 57P0x). */
  private static boolean connectionLost(Throwable e) {
    if (e instanceof org.springframework.transaction.CannotCreateTransactionException) {
      return true; // no connection to begin on
    }
    if (e instanceof org.springframework.transaction.TransactionSystemException tse) {
      // The rollback after a failed statement could not run: the connection is gone, and the
      // transaction with it (nothing committed). The statement's own failure says why.
      if (tse.getApplicationException() != null && connectionLost(tse.getApplicationException())) {
        return true;
      }
      if (tse.getMessage() != null && tse.getMessage().contains("rollback failed")) {
        return true;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P0")) {
          return true;
        }
      }
      if (t instanceof java.net.SocketException || t instanceof java.io.EOFException) {
        return true;
      }
    }
    return false;
  }

  /** True when the servlet container could not decode the query string. */
  private static boolean undecodable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.charset.CharacterCodingException
          || t.getClass()
              .getName()
              .equals("org.apache.tomcat.util.http.InvalidParameterException")) {
        return true;
      }
    }
    return false;
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "";
  }

  private static ProblemDetail validation(String detail) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, detail);
    body.setType(ProblemTypes.of("validation"));
    body.setTitle("Request breaks a business rule");
    return body;
  }

  private static String readableDetail(HttpMessageNotReadableException ex) {
    Throwable cause = ex.getCause();
    if (cause instanceof RequestJson.UnsafeText unsafe) {
      return path(unsafe) + ": " + unsafe.getOriginalMessage();
    }
    if (cause instanceof MismatchedInputException mismatched) {
      String field = path(mismatched);
      Class<?> target = mismatched.getTargetType();
      String expected = expected(target);
      if (cause instanceof InvalidFormatException invalid && target != null && target.isEnum()) {
        return field
            + ": '"
            + invalid.getValue()
            + "' is not one of "
            + Arrays.toString(target.getEnumConstants());
      }
      if (expected != null) {
        return field + ": " + expected;
      }
      if (cause instanceof InvalidFormatException invalid) {
        return field
            + ": '"
            + invalid.getValue()
            + "' is not a valid "
            + (target == null ? "value" : target.getSimpleName());
      }
      return field + ": wrong JSON type for this field";
    }
    if (cause instanceof JacksonException jackson) {
      return malformed(jackson);
    }
    return "the request body is missing or is not valid JSON; send one JSON object";
  }

  /** What a field of this type takes, for the types whose rules are not obvious; else null. */
  private static String expected(Class<?> target) {
    if (target == null) {
      return null;
    }
    if (target == int.class
        || target == Integer.class
        || target == long.class
        || target == Long.class
        || target == short.class
        || target == Short.class) {
      return "expected a whole number: a JSON integer without quotes, fraction or exponent";
    }
    if (target == boolean.class || target == Boolean.class) {
      return "expected true or false";
    }
    if (target == String.class) {
      return "expected a JSON string";
    }
    if (target == java.time.Instant.class) {
      return Times.INSTANT_RULE;
    }
    if (target == java.time.LocalDate.class) {
      return Times.DATE_RULE;
    }
    return null;
  }

  /**
   * What is wrong with the JSON and where, in a person's words: the parser's first sentence,
   * without its notes on its own configuration ("Source: REDACTED …").
   */
  static String malformed(JacksonException e) {
    String message = String.valueOf(e.getOriginalMessage());
    int cut = message.indexOf('\n');
    message = cut >= 0 ? message.substring(0, cut) : message;
    cut = message.indexOf(" at [Source");
    message = (cut >= 0 ? message.substring(0, cut) : message).strip();
    if (message.endsWith(":")) {
      message = message.substring(0, message.length() - 1);
    }
    var location = e.getLocation();
    String where =
        location != null && location.getLineNr() > 0
            ? " at line " + location.getLineNr() + ", column " + location.getColumnNr()
            : "";
    return "malformed JSON" + where + ": " + message;
  }

  private static String path(JacksonException e) {
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "body" : sb.toString();
  }

  private static ResponseEntity<ProblemDetail> respond(ProblemDetail body) {
    ProblemTypes.traced(body);
    return ResponseEntity.status(body.getStatus()).headers(problemHeaders()).body(body);
  }

  private static HttpHeaders problemHeaders() {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.CONTENT_TYPE, "application/problem+json");
    return headers;
  }
}
