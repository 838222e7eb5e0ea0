package io.orderloop.common;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;

/**
 * The current request's or job's trace (Micrometer Tracing over OpenTelemetry): its id for problem
 * documents and logs, and its W3C {@code traceparent} for the calls it makes to webhook receivers
 * and the stores, so one trace id follows an order from a request to the systems it reaches.
 */
public final class Traces {

  private Traces() {}

  /** The current trace id, when there is a trace. */
  public static Optional<String> traceId() {
    SpanContext context = Span.current().getSpanContext();
    return context.isValid() ? Optional.of(context.getTraceId()) : Optional.empty();
  }

  /** The W3C {@code traceparent} header of the current span, when there is one. */
  public static Optional<String> traceparent() {
    SpanContext context = Span.current().getSpanContext();
    if (!context.isValid()) {
      return Optional.empty();
    }
    return Optional.of(
        "00-"
            + context.getTraceId()
            + "-"
            + context.getSpanId()
            + "-"
            + context.getTraceFlags().asHex());
  }
}
