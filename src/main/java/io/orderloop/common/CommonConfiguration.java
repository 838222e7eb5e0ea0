package io.orderloop.common;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The clock every module reads time from (domain code never calls {@code now()} on its own), and
 * scheduling for the housekeeping jobs (each written so that several instances may run it at once).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class CommonConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }
}
