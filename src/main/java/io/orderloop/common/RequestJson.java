package io.orderloop.common;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * How request bodies are read: a body means one thing. Duplicate keys are refused (two parsers must
 * never read two different orders from one body), as is anything after the JSON value. Whole-number
 * fields take JSON integers only ({@code 1.5}, {@code 1e1} and {@code "3"} are refused, not rounded
 * or parsed); booleans take {@code true}/{@code false}; text fields take JSON strings, and every
 * string passes {@link TextRules}; dates and times are ISO 8601 in years 0001–9999 ({@link Times}).
 * Decimals (money) are read from strings or numbers alike. Each refusal is a 400 naming the field.
 *
 * <p>Only requests are read this strictly. The shared {@code JsonMapper} (what the service reads
 * back from its own database, and what channels parse) stays lenient, so data stored before a rule
 * existed is always readable.
 */
@Configuration(proxyBeanMethods = false)
public class RequestJson {

  private final JsonMapper body;
  private final JsonMapper types;

  RequestJson(JsonMapper shared) {
    this.types = strictTypes(shared.rebuild()).build();
    this.body =
        strictTypes(shared.rebuild())
            .addModule(
                new SimpleModule("orderloop-request-text")
                    .addDeserializer(String.class, new CheckedStrings()))
            .build();
  }

  /** The mapper request bodies are read with (strict types and text rules). */
  public JsonMapper body() {
    return body;
  }

  /**
   * Strict types without the text rules: for converting a tree that mixes a client's patch with
   * stored values, after {@link #requireCleanText} has checked the client's part.
   */
  public JsonMapper types() {
    return types;
  }

  /** The JSON converter for requests and responses, with {@link #body()}. */
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  ServerHttpMessageConvertersCustomizer strictRequestBodies() {
    return builder -> builder.withJsonConverter(new JacksonJsonHttpMessageConverter(body));
  }

  /** 400 naming the first string in {@code node} that {@link TextRules} refuses. */
  public static void requireCleanText(JsonNode node) {
    String problem = textProblem(node, "");
    if (problem != null) {
      throw ApiProblem.badRequest(problem);
    }
  }

  private static String textProblem(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (node.isString()) {
      String p = TextRules.problem(node.asString());
      return p == null ? null : (path.isEmpty() ? "body" : path) + ": " + p;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String p = textProblem(node.get(i), path + "[" + i + "]");
        if (p != null) {
          return p;
        }
      }
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String nameProblem = TextRules.problem(e.getKey());
        if (nameProblem != null) {
          return (path.isEmpty() ? "body" : path) + ": a member name " + nameProblem;
        }
        String p = textProblem(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  private static JsonMapper.Builder strictTypes(JsonMapper.Builder builder) {
    return builder
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .withCoercionConfig(
            LogicalType.Integer,
            c ->
                c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Boolean,
            c ->
                c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Textual,
            c ->
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .addModule(
            new SimpleModule("orderloop-request-times")
                .addDeserializer(Instant.class, new BoundedInstants())
                .addDeserializer(LocalDate.class, new BoundedDates()));
  }

  /** Strings as Jackson reads them, refused when {@link TextRules} says they cannot be stored. */
  static final class CheckedStrings extends StringDeserializer {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
      String value = super.deserialize(p, ctxt);
      String problem = TextRules.problem(value);
      if (problem != null) {
        throw new UnsafeText(p, problem);
      }
      return value;
    }
  }

  /** A string the service will not store; the message is the reason, for the problem's detail. */
  static final class UnsafeText extends MismatchedInputException {
    UnsafeText(JsonParser p, String reason) {
      super(p, reason);
    }
  }

  /** Instants as ISO-8601 strings with an offset, in years 0001 to 9999 ({@link Times}). */
  static final class BoundedInstants extends StdScalarDeserializer<Instant> {
    BoundedInstants() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
      }
      String text = p.getString();
      try {
        return Times.instant(text);
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, Times.INSTANT_RULE, text, Instant.class);
      }
    }
  }

  /** Dates as ISO-8601 strings ({@code 2026-03-10}), in years 0001 to 9999 ({@link Times}). */
  static final class BoundedDates extends StdScalarDeserializer<LocalDate> {
    BoundedDates() {
      super(LocalDate.class);
    }

    @Override
    public LocalDate deserialize(JsonParser p, DeserializationContext ctxt) {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (LocalDate) ctxt.handleUnexpectedToken(LocalDate.class, p);
      }
      String text = p.getString();
      try {
        return Times.date(text);
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, Times.DATE_RULE, text, LocalDate.class);
      }
    }
  }
}
