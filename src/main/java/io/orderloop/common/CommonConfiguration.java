package io.orderloop.common;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

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
  /**
   * {@code GET /actuator/health} stays exactly {@code {"status":"UP"}} (SPEC §9) although the
   * liveness and readiness groups exist: the list of group names is left out of the body.
   */
  @Bean
  JsonMapperBuilderCustomizer healthWithoutGroupNames() {
    return builder ->
        builder.addMixIn(
            org.springframework.boot.health.actuate.endpoint.SystemHealthDescriptor.class,
            WithoutGroups.class);
  }

  @com.fasterxml.jackson.annotation.JsonIgnoreProperties("groups")
  abstract static class WithoutGroups {}

  @Bean
  JsonMapperBuilderCustomizer decimalsAsStrings() {
    return builder ->
        builder.withConfigOverride(
            BigDecimal.class, o -> o.setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING)));
  }
}
