package io.orderloop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Orderloop: one explicit loop for every order, from received to closed. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OrderloopApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrderloopApplication.class, args);
  }
}
