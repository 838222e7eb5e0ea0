package io.orderloop.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.ApiTest;
import io.orderloop.common.database.DeferringDataSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * An accepted order costs two round trips to PostgreSQL (ADR 0010): the read of its SKUs with their
 * available stock, and every write with the {@code COMMIT}. Counted at the data source, on the
 * thread that runs the intake.
 */
class IntakeRoundTripsTest extends ApiTest {

  @Autowired OrderIntake intake;
  @Autowired JsonMapper json;

  private CreateOrder command(Map<String, Object> body) {
    return json.readValue(json.writeValueAsString(body), CreateOrder.class);
  }

  @Test
  void an_accepted_order_of_three_lines_takes_two_round_trips() {
    String a = sku("RTA");
    String b = sku("RTB");
    String c = sku("RTC");
    receive(a, location(1), 10);
    receive(b, location(1), 10);
    receive(c, location(2), 1);
    // One order in 16 takes a block of order numbers (one round trip more), and the block is shared
    // with the other tests of this context: of two orders in a row at most one takes it, so the one
    // with fewer round trips is the common case.
    long before = DeferringDataSource.statementsSent();
    OrderIntake.Intake made = intake.create(command(order(a, 2, b, 3, c, 2)));
    long sentFirst = DeferringDataSource.statementsSent() - before;
    before = DeferringDataSource.statementsSent();
    intake.create(command(order(a, 2, b, 3, c, 2)));
    long sentSecond = DeferringDataSource.statementsSent() - before;
    long sent = Math.min(sentFirst, sentSecond);
    assertThat(Math.max(sentFirst, sentSecond))
        .as("with a block of numbers")
        .isLessThanOrEqualTo(3);

    assertThat(made.created()).isTrue();
    assertThat(made.order().lines())
        .extracting(OrderView.Line::backordered)
        .containsExactly(0, 0, 1);
    assertThat(sent).as("round trips for one accepted order").isEqualTo(2);
    // What was written is what was answered.
    var stored = getOrder(made.order().id().toString());
    assertThat(stored.get("number").asString()).isEqualTo(made.order().number());
    assertThat(stored.get("state").asString()).isEqualTo(made.order().state().name());
    assertThat(stored.get("lines").size()).isEqualTo(3);
    assertThat(history(made.order().id().toString()))
        .extracting(h -> h.get("type").asString())
        .contains("order.received", "inventory.reserved", "order.backordered");
  }
}
