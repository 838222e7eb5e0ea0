package io.orderloop.channels.edi;

import io.orderloop.common.LargeBodyEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** EDI's place in the HTTP limits: an interchange may be larger than other request bodies. */
@Configuration(proxyBeanMethods = false)
class EdiConfiguration {

  @Bean
  LargeBodyEndpoint x12Endpoint(EdiProperties properties) {
    return new LargeBodyEndpoint(
        "/channels/edi/x12",
        properties.maxInterchangeSize().toBytes(),
        "orderloop.edi.max-interchange-size");
  }
}
