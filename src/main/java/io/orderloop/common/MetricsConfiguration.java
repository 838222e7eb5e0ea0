package io.orderloop.common;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the Prometheus exposition clean for {@code promtool check metrics}: every meter has help
 * text (libraries' meters without a description get one naming the meter), {@code system.cpu.count}
 * becomes {@code system.cpus} (a gauge must not end in {@code _count}), and the two library meters
 * whose names carry abbreviated units ({@code jvm.compilation.time} in ms, {@code process.cpu.time}
 * in ns) are left out ({@code process.cpu.usage} remains).
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

  @Bean
  MeterFilter orderloopMeterHygiene() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        Meter.Id out = id;
        if ("system.cpu.count".equals(out.getName())) {
          out = out.withName("system.cpus");
        }
        if (out.getDescription() == null || out.getDescription().isBlank()) {
          out =
              new Meter.Id(
                  out.getName(),
                  io.micrometer.core.instrument.Tags.of(out.getTagsAsIterable()),
                  out.getBaseUnit(),
                  "Meter " + out.getName(),
                  out.getType());
        }
        return out;
      }

      @Override
      public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
        return "jvm.compilation.time".equals(id.getName())
                || "process.cpu.time".equals(id.getName())
            ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
            : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
      }
    };
  }
}
