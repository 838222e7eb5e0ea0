package io.orderloop;

import org.slf4j.LoggerFactory;
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
    if (fromFatJar(OrderloopApplication.class.getClassLoader())) {
      LoggerFactory.getLogger(OrderloopApplication.class)
          .warn(
              "Started from the fat jar (java -jar): Spring Boot's nested-jar class loader can hang on"
                  + " virtual threads when many requests load classes for the first time at once; in"
                  + " production start it with bin/orderloop, which runs the extracted jar"
                  + " (docs/operations.md, Launch)");
    }
  }

  /** Whether classes come through Spring Boot's nested-jar loader (java -jar on the fat jar). */
  static boolean fromFatJar(ClassLoader loader) {
    return loader != null
        && loader.getClass().getName().startsWith("org.springframework.boot.loader.");
  }
}
