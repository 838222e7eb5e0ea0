package io.orderloop.common;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * How decimals are written, the clock every module reads time from (domain code never calls {@code
 * now()} on its own), and scheduling for the housekeeping jobs (each written so that several
 * instances may run it at once).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class CommonConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * Every decimal the service writes (money, derived prices, pallets) is a JSON string, exact and
   * at its scale ({@code "1200.00"}), as finance systems and Shopify's API read amounts; decimals
   * are read from strings or numbers alike.
   */
  @Bean
  JsonMapperBuilderCustomizer decimalsAsStrings() {
    return builder ->
        builder.withConfigOverride(
            BigDecimal.class, o -> o.setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING)));
  }

  /**
   * A request body means one thing. Duplicate keys are refused (two parsers must never read two
   * different orders from one body), as is anything after the JSON value. Whole-number fields take
   * JSON integers only: {@code 1.5}, {@code 1e1} and {@code "3"} are refused, not rounded or
   * parsed; booleans take {@code true}/{@code false}; text fields take JSON strings, and every
   * string passes {@link TextRules}. Decimals (money) are read from strings or numbers alike. Each
   * refusal is a 400 naming the field.
   */
  @Bean
  JsonMapperBuilderCustomizer strictInput() {
    return builder ->
        builder
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
                new SimpleModule("orderloop-input")
                    .addDeserializer(String.class, new CheckedStrings())
                    .addDeserializer(Instant.class, new BoundedInstants())
                    .addDeserializer(LocalDate.class, new BoundedDates()));
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
}
