package io.orderloop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/** Orderloop: one explicit loop for every order, from received to closed. */
// No user/password store: callers authenticate with API keys (see the security module).
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class OrderloopApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrderloopApplication.class, args);
  }
}
