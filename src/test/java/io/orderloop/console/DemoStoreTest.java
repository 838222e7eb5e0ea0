package io.orderloop.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderView;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code orderloop.demo=true} on an empty database: SPEC §8's store, with orders in every state and
 * LMB order numbers; started again, nothing is added.
 */
class DemoStoreTest extends DemoConsoleTest {

  @Autowired OrderQueries orders;
  @Autowired DemoStore demo;

  @Test
  void an_empty_database_gets_the_demo_store_once() {
    Map<OrderState, Long> counts = orders.stateCounts(null, null);
    for (OrderState s : OrderState.values()) {
      assertThat(counts.getOrDefault(s, 0L)).as(s.name()).isPositive();
    }
    OrderView ironridge =
        orders
            .list(
                new OrderQueries.ListQuery(
                    null, null, null, null, null, null, null, "PO-IR-2026-0089", null, 5))
            .items()
            .getFirst();
    assertThat(ironridge.number()).startsWith("LMB-ORD-");
    assertThat(ironridge.state()).isEqualTo(OrderState.ALLOCATED);
    assertThat(ironridge.customer().name()).isEqualTo("IRONRIDGE Construction");
    assertThat(ironridge.b2b().paymentTerms()).isEqualTo("NET_30");
    assertThat(ironridge.b2b().deliveryWindow().from().toString()).endsWith("-03-10");
    assertThat(ironridge.lines().getFirst().cases()).isEqualTo(24);
    assertThat(ironridge.lines().getFirst().sku()).isEqualTo("LMB-BRS-001");

    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    demo.run(null);
    assertThat(orders.stateCounts(null, null).values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(total);
  }
}
