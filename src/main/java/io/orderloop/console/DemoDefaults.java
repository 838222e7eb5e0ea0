package io.orderloop.console;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code orderloop.demo=true}, unless configured otherwise: order numbers take the demo
 * store's prefix {@code LMB}, and delivered orders stay DELIVERED for 7 days before they close (so
 * the board shows that state too).
 */
public class DemoDefaults implements EnvironmentPostProcessor {

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    if (!Boolean.parseBoolean(env.getProperty("orderloop.demo", "false"))) {
      return;
    }
    // Lowest precedence: any configured value wins.
    env.getPropertySources()
        .addLast(
            new MapPropertySource(
                "orderloopDemoDefaults",
                Map.of(
                    "orderloop.orders.number-prefix", "LMB",
                    "orderloop.orders.close-grace", "P7D")));
  }
}
