package io.orderloop.gateway;

import io.orderloop.orders.Channel;
import io.orderloop.orders.CreateOrder;
import io.orderloop.orders.OrderIntake;
import io.orderloop.orders.OrderView;
import io.orderloop.security.AgentLimits;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Quotes as stored, and placing one: the order is made once per quote (its external id is the
 * quote's), refused when the stock changed so that more would be backordered than quoted, and
 * counted against the key's spending. Callers hold the quote's row lock ({@link #lock}) for the
 * transaction, so one placement of a quote runs at a time.
 */
@Component
class Placements {

  private final OrderIntake intake;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  Placements(OrderIntake intake, JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.intake = intake;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /** A stored quote. */
  record Quote(
      UUID id,
      UUID keyId,
      CreateOrder body,
      List<Integer> backordered,
      BigDecimal total,
      String currency,
      Instant expiresAt,
      UUID orderId) {

    boolean expired(Instant now) {
      return orderId == null && expiresAt.isBefore(now);
    }
  }

  /** The quote of this key, its row locked for the transaction; empty when there is none. */
  java.util.Optional<Quote> lock(UUID keyId, UUID quoteId) {
    return jdbc.sql(
            "SELECT id, key_id, body::text AS body, backordered::text AS backordered, total,"
                + " currency, expires_at, order_id FROM agent_quotes WHERE id = ? AND key_id = ?"
                + " FOR UPDATE")
        .params(quoteId, keyId)
        .query(
            (rs, n) ->
                new Quote(
                    rs.getObject("id", UUID.class),
                    rs.getObject("key_id", UUID.class),
                    json.readValue(rs.getString("body"), CreateOrder.class),
                    json.readValue(
                        rs.getString("backordered"), new TypeReference<List<Integer>>() {}),
                    rs.getBigDecimal("total"),
                    rs.getString("currency"),
                    rs.getTimestamp("expires_at").toInstant(),
                    rs.getObject("order_id", UUID.class)))
        .optional();
  }

  /**
   * Why placing this quote needs a person, under the key's limits; null when it does not. Takes the
   * key's spending lock for the transaction, so two placements cannot both fit under a daily limit
   * that only one fits under.
   */
  String beyondLimits(Quote quote, AgentLimits limits) {
    if (limits == null || limits.none()) {
      return null;
    }
    if (!limits.currency().equals(quote.currency())) {
      return "the order is in "
          + quote.currency()
          + "; this key's limits are in "
          + limits.currency();
    }
    if (limits.perOrder() != null && quote.total().compareTo(limits.perOrder()) > 0) {
      return "the order's total "
          + quote.total().stripTrailingZeros().toPlainString()
          + " "
          + quote.currency()
          + " is above this key's limit of "
          + limits.perOrder().toPlainString()
          + " an order";
    }
    if (limits.perDay() != null) {
      jdbc.sql(
              "SELECT 1 FROM pg_advisory_xact_lock(hashtext('orderloop.agent-spend'), hashtext(?))")
          .param(quote.keyId().toString())
          .query(Integer.class)
          .single();
      BigDecimal spent =
          jdbc.sql(
                  "SELECT coalesce(sum(total), 0) FROM agent_quotes WHERE key_id = ?"
                      + " AND placed_at > ? AND currency = ?")
              .params(
                  quote.keyId(),
                  Timestamp.from(clock.instant().minus(Duration.ofDays(1))),
                  limits.currency())
              .query(BigDecimal.class)
              .single();
      if (spent.add(quote.total()).compareTo(limits.perDay()) > 0) {
        return "with this order the key's orders over 24 hours would total "
            + spent.add(quote.total()).stripTrailingZeros().toPlainString()
            + " "
            + quote.currency()
            + ", above its daily limit of "
            + limits.perDay().toPlainString();
      }
    }
    return null;
  }

  /** Places the quote (or finds the order it already became) as the agent, via {@code how}. */
  OrderIntake.Intake place(Quote quote, String agentName, String how) {
    CreateOrder q = quote.body();
    CreateOrder command =
        new CreateOrder(
            Channel.API,
            "quote:" + quote.id(),
            q.type(),
            q.customer(),
            q.shipTo(),
            q.billTo(),
            q.currency(),
            q.fulfillmentPolicy(),
            q.lines(),
            q.b2b(),
            q.holdReason());
    OrderIntake.Intake made = Agents.as(agentName, how, () -> intake.create(command));
    if (made.created()) {
      // The stock is checked where it is reserved: when the order backorders more than the quote
      // said (stock taken since, a SKU's rules changed), the caller's transaction is undone.
      List<OrderView.Line> lines = made.order().lines();
      for (int i = 0; i < lines.size() && i < quote.backordered().size(); i++) {
        if (lines.get(i).backordered() > quote.backordered().get(i)) {
          throw new ToolError(
              "changed since the quote: line "
                  + (i + 1)
                  + " would now backorder "
                  + lines.get(i).backordered()
                  + " of "
                  + lines.get(i).sku()
                  + " (quoted "
                  + quote.backordered().get(i)
                  + "); quote again");
        }
      }
    }
    jdbc.sql(
            "UPDATE agent_quotes SET order_id = ?, placed_at = ? WHERE id = ? AND order_id IS NULL")
        .params(made.order().id(), Timestamp.from(clock.instant()), quote.id())
        .update();
    return made;
  }
}
