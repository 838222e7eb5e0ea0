package io.orderloop.orders;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.Transactions;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.SkuInfo;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Channel orders into the loop: the one entry the channel adapters use, for a new order and for an
 * update alike. A channel order is idempotent per {@code (channel, externalId)}: whichever delivery
 * arrives first creates it, the others update it when newer or change nothing when not.
 *
 * <p>Lines that map to no SKU, or that the loop cannot take as they are, are kept with the order
 * and hold it ({@code UNMAPPED_SKU}, {@code CHANNEL_DATA}); adding the missing alias takes them in
 * ({@link #mapSku}). The order's rules stay in the aggregate ({@link OrderChannelRules}).
 */
@Service
public class ChannelOrders {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ChannelOrders.class);

  /** What taking a channel order did. */
  public enum Outcome {
    /** A new order. */
    CREATED,
    /** The order changed as the channel says. */
    APPLIED,
    /** Not newer than what the order reflects: nothing changed. */
    STALE,
    /** Recorded in the order's history but not applied (part of it shipped, or it is closed). */
    NOT_APPLIED
  }

  public record Taken(OrderView order, Outcome outcome) {}

  /** A channel line waiting outside the loop, for the operators' list. */
  public record WaitingLine(
      UUID orderId,
      String orderNumber,
      Channel channel,
      String account,
      String displayNumber,
      ChannelOrder.PendingLine line) {}

  private final OrderRepository repository;
  private final OrderIntake intake;
  private final OrderEditing editing;
  private final OrderCommands commands;
  private final Catalogue catalogue;
  private final Stock stock;
  private final Transactions transactions;
  private final JdbcClient jdbc;

  ChannelOrders(
      OrderRepository repository,
      OrderIntake intake,
      OrderEditing editing,
      OrderCommands commands,
      Catalogue catalogue,
      Stock stock,
      Transactions transactions,
      JdbcClient jdbc) {
    this.repository = repository;
    this.intake = intake;
    this.editing = editing;
    this.commands = commands;
    this.catalogue = catalogue;
    this.stock = stock;
    this.transactions = transactions;
    this.jdbc = jdbc;
  }

  /**
   * Takes a channel order: creates it when the channel order is new, else applies it as an update
   * (newer revisions only). 422 when the order as a whole cannot be taken (a currency we do not
   * know, B2B terms that do not fit): the caller keeps the delivery for a person.
   */
  public Taken take(ChannelOrderCommand c) {
    return transactions.inTransaction(
        () -> {
          Optional<UUID> existing = repository.idByExternalId(c.channel(), c.externalId());
          if (existing.isEmpty()) {
            OrderIntake.Intake created = create(c);
            if (created.created()) {
              return new Taken(created.order(), Outcome.CREATED);
            }
            existing = Optional.of(created.order().id());
          }
          return update(existing.get(), c);
        });
  }

  private OrderIntake.Intake create(ChannelOrderCommand c) {
    Currency currency = OrderIntake.currency(c.currency());
    OrderIntake.validateB2b(c.type(), c.b2b());
    Map<String, SkuInfo> skus =
        catalogue.skus(
            c.lines().stream()
                .map(ChannelOrderCommand.Line::sku)
                .filter(Objects::nonNull)
                .toList());
    List<CreateOrder.Line> taken = new ArrayList<>();
    List<ChannelOrder.LineRef> refs = new ArrayList<>();
    List<ChannelOrder.PendingLine> pending = new ArrayList<>();
    for (ChannelOrderCommand.Line l : c.lines()) {
      if (l.removed()) {
        continue; // removed on the channel before we saw it
      }
      ChannelOrder.PendingLine aside = OrderChannelRules.pendingIfNotTakeable(l);
      if (aside != null) {
        pending.add(aside);
        continue;
      }
      CreateOrder.Line line =
          new CreateOrder.Line(
              l.sku(),
              OrderChannelRules.wholeQuantity(l.quantity()),
              l.unitPrice(),
              null,
              l.unitOfMeasure());
      try {
        OrderLine checked = intake.line(c.type(), line, taken.size() + 1, "line", skus, currency);
        String pack = OrderChannelRules.packDisagreement(l, checked.casePack);
        if (pack != null) {
          pending.add(OrderChannelRules.pending(l, ChannelOrder.Problem.NOT_TAKEN, pack));
          continue;
        }
      } catch (ApiProblem refused) {
        pending.add(
            OrderChannelRules.pending(l, ChannelOrder.Problem.NOT_TAKEN, refused.getMessage()));
        continue;
      }
      taken.add(line);
      refs.add(new ChannelOrder.LineRef(l.ref(), taken.size()));
    }
    CreateOrder command =
        new CreateOrder(
            c.channel(),
            c.externalId(),
            c.type(),
            c.customer(),
            c.shipTo(),
            c.billTo(),
            c.currency(),
            null,
            taken,
            c.b2b(),
            null);
    ChannelOrder details =
        new ChannelOrder(
            c.account(),
            c.displayNumber(),
            c.revision(),
            refs,
            pending,
            c.charges(),
            c.paymentStatus());
    OrderIntake.Intake created = intake.create(command, details, c);
    if (created.created() && c.cancelled()) {
      OrderView cancelled =
          commands.call(
              created.order().id().toString(),
              null,
              order -> {
                order.cancel(
                    stock,
                    c.cancelReason() == null ? "cancelled on the channel" : c.cancelReason(),
                    List.of());
                return order;
              },
              OrderView::of);
      return new OrderIntake.Intake(cancelled, true);
    }
    return created;
  }

  private Taken update(UUID id, ChannelOrderCommand c) {
    String label = c.channel().name().toLowerCase(java.util.Locale.ROOT);
    return commands.call(
        id.toString(),
        null,
        order -> {
          OrderChannelRules.Outcome outcome =
              order.channelRules().update(c, stock, editing.lineFactory(order), label);
          return new Taken(
              OrderView.of(order),
              switch (outcome) {
                case APPLIED -> Outcome.APPLIED;
                case STALE -> Outcome.STALE;
                case NOT_APPLIED -> Outcome.NOT_APPLIED;
              });
        },
        taken -> taken);
  }

  /**
   * {@code channelSku} now maps to our {@code sku}: every open order of the channel with lines
   * waiting for it takes them in, each in its own transaction. Answers the orders changed.
   */
  public int mapSku(Channel channel, String channelSku, String sku) {
    return mapSku(channel, null, channelSku, sku);
  }

  /**
   * As {@link #mapSku(Channel, String, String)}, for the orders of one account of the channel only
   * (an EDI partner's aliases are the partner's).
   */
  public int mapSku(Channel channel, String account, String channelSku, String sku) {
    List<UUID> ids =
        jdbc.sql(
                """
                SELECT id FROM orders
                WHERE channel = ? AND channel_order IS NOT NULL
                  AND jsonb_array_length(channel_order -> 'pendingLines') > 0
                  AND (channel_order -> 'pendingLines' @> jsonb_build_array(
                         jsonb_build_object('channelSku', ?::text, 'problem', 'UNMAPPED_SKU'))
                       OR channel_order -> 'pendingLines' @> jsonb_build_array(
                         jsonb_build_object('otherCode', ?::text, 'problem', 'UNMAPPED_SKU'))
                       OR channel_order -> 'pendingLines' @> jsonb_build_array(
                         jsonb_build_object('codes', jsonb_build_array(?::text), 'problem', 'UNMAPPED_SKU')))
                  AND (CAST(? AS text) IS NULL OR channel_order ->> 'account' = ?)
                ORDER BY created_at""")
            .params(channel.name(), channelSku, channelSku, channelSku, account, account)
            .query(UUID.class)
            .list();
    int changed = 0;
    for (UUID id : ids) {
      try {
        int taken =
            commands.call(
                id.toString(),
                null,
                order ->
                    order.channelRules().map(channelSku, sku, stock, editing.lineFactory(order)),
                n -> n);
        if (taken > 0) {
          changed++;
        }
      } catch (ApiProblem refused) {
        // This order cannot take the lines now (e.g. its policy would break); the others go on,
        // and its lines keep waiting, listed with the order.
        log.info("order {} keeps its channel lines waiting: {}", id, refused.getMessage());
      }
    }
    return changed;
  }

  /** Channel lines waiting outside the loop on open orders, oldest order first. */
  public List<WaitingLine> waiting(Channel channel, int limit) {
    return jdbc
        .sql(
            "SELECT "
                + OrderRepository.ORDER_COLUMNS
                + """
                FROM orders
                WHERE channel_order IS NOT NULL AND jsonb_array_length(channel_order -> 'pendingLines') > 0
                  AND (CAST(:channel AS text) IS NULL OR channel = :channel)
                  AND state NOT IN ('CLOSED', 'CANCELLED', 'SHIPPED', 'DELIVERED')
                ORDER BY created_at, id LIMIT :limit""")
        .param("channel", channel == null ? null : channel.name())
        .param("limit", limit)
        .query(repository.rowMapper())
        .list()
        .stream()
        .flatMap(
            o ->
                o.channelOrder.pendingLines().stream()
                    .map(
                        p ->
                            new WaitingLine(
                                o.id,
                                o.number,
                                o.channel,
                                o.channelOrder.account(),
                                o.channelOrder.displayNumber(),
                                p)))
        .toList();
  }
}
