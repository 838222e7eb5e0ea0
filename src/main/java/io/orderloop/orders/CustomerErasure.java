package io.orderloop.orders;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.IdempotentRequests;
import io.orderloop.common.Secrets;
import io.orderloop.common.Transactions;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forgets a customer (right to erasure): on every order with their e-mail address, their name,
 * e-mail, phone numbers and address lines (street, city, postal code, company) become a stable
 * pseudonym — in the order, in its history details, in the event outbox (delivered or not; see
 * {@link CustomerErased}) and in stored idempotent responses. SKUs, quantities, amounts, dates,
 * states, country and region stay, for finance and tax. One {@code customer.erased} event is
 * emitted and the erasure is recorded (who, when, pseudonym, how many orders) without the erased
 * data. Each order's version moves on, so a client holding an old ETag cannot write the data back.
 * Rejects (422) a value that is not an e-mail address.
 */
@Service
public class CustomerErasure {

  /** Address fields that identify a person; country and region stay (tax, reporting). */
  private static final List<String> ADDRESS_FIELDS =
      List.of("name", "company", "line1", "line2", "city", "postalCode", "phone");

  private final JdbcClient jdbc;
  private final Transactions transactions;
  private final ApplicationEventPublisher events;
  private final Secrets secrets;
  private final IdempotentRequests idempotentRequests;
  private final JsonMapper json;
  private final Clock clock;

  CustomerErasure(
      JdbcClient jdbc,
      Transactions transactions,
      ApplicationEventPublisher events,
      Secrets secrets,
      IdempotentRequests idempotentRequests,
      JsonMapper json,
      Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.events = events;
    this.secrets = secrets;
    this.idempotentRequests = idempotentRequests;
    this.json = json;
    this.clock = clock;
  }

  /** What an erasure did, by pseudonym only. */
  public record Erasure(UUID id, String pseudonym, int orders, String erasedBy, Instant erasedAt) {}

  public Erasure erase(String email) {
    if (email == null || email.isBlank() || !email.contains("@") || email.length() > 320) {
      throw ApiProblem.unprocessable("email", "give the customer's e-mail address");
    }
    String normalized = email.strip().toLowerCase(Locale.ROOT);
    String pseudonym = "cust-" + secrets.mac("customer-erasure", normalized).substring(0, 12);
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return transactions.inTransaction(
        () -> {
          List<UUID> ids =
              jdbc.sql(
                      "SELECT id FROM orders WHERE lower(customer_email) = ? ORDER BY id FOR UPDATE")
                  .param(normalized)
                  .query(UUID.class)
                  .list();
          Set<String> personal = new HashSet<>();
          personal.add(normalized);
          if (!ids.isEmpty()) {
            collectFromOrders(ids, personal);
            collectFromHistory(ids, personal);
          }
          CustomerErased erased = new CustomerErased(pseudonym, ids, Set.copyOf(personal), at);
          if (!ids.isEmpty()) {
            rewriteOrders(ids, erased, at);
            rewriteHistory(ids, erased);
          }
          // Stored responses: by the orders they show, and by the address for any other.
          List<String> needles = new ArrayList<>(List.of(normalized));
          ids.forEach(id -> needles.add(id.toString()));
          idempotentRequests.redact(needles, body -> erased.redactJson(body, json));
          // Listeners rewrite their own records of these orders (history included) in this
          // transaction; history accepts rewritten details only while this is on.
          jdbc.sql("SELECT set_config('orderloop.erasure', 'on', true)")
              .query(String.class)
              .single();
          events.publishEvent(erased);
          jdbc.sql("SELECT set_config('orderloop.erasure', 'off', true)")
              .query(String.class)
              .single();
          Erasure erasure =
              new Erasure(UUID.randomUUID(), pseudonym, ids.size(), Actors.current(), at);
          jdbc.sql(
                  """
                  INSERT INTO customer_erasures (id, pseudonym, orders, erased_by, erased_at)
                  VALUES (?, ?, ?, ?, ?)""")
              .params(erasure.id(), pseudonym, ids.size(), erasure.erasedBy(), Timestamp.from(at))
              .update();
          return erasure;
        });
  }

  private void collectFromOrders(List<UUID> ids, Set<String> personal) {
    jdbc.sql(
            "SELECT customer_name, customer_email, ship_to::text, bill_to::text FROM orders WHERE id = ANY(?)")
        .param(ids.toArray(UUID[]::new))
        .query(
            (rs, n) -> {
              add(personal, rs.getString(1));
              add(personal, rs.getString(2));
              addAddress(personal, rs.getString(3));
              addAddress(personal, rs.getString(4));
              return null;
            })
        .list();
  }

  /** Earlier names and addresses an edit replaced are in history ({@code order.edited}). */
  private void collectFromHistory(List<UUID> ids, Set<String> personal) {
    jdbc.sql(
            "SELECT details::text FROM order_events WHERE order_id = ANY(?) AND type = 'order.edited'")
        .param(ids.toArray(UUID[]::new))
        .query(String.class)
        .list()
        .forEach(
            text -> {
              JsonNode details = json.readTree(text);
              for (String side : List.of("before", "after")) {
                JsonNode values = details.path(side);
                JsonNode customer = values.path("customer");
                add(personal, customer.path("name").asString(null));
                add(personal, customer.path("email").asString(null));
                addAddress(personal, values.path("shipTo"));
                addAddress(personal, values.path("billTo"));
              }
            });
  }

  private void rewriteOrders(List<UUID> ids, CustomerErased erased, Instant at) {
    record Row(
        UUID id, String shipTo, String billTo, String notes, String holds, String holdReason) {}
    List<Row> rows =
        jdbc.sql(
                """
                SELECT id, ship_to::text, bill_to::text, notes, holds::text, hold_reason
                FROM orders WHERE id = ANY(?)""")
            .param(ids.toArray(UUID[]::new))
            .query(
                (rs, n) ->
                    new Row(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
            .list();
    for (Row row : rows) {
      jdbc.sql(
              """
              UPDATE orders SET customer_name = ?, customer_email = ?, ship_to = ?::jsonb, bill_to = ?::jsonb,
                  notes = ?, holds = ?::jsonb, hold_reason = ?, version = version + 1, updated_at = ?
              WHERE id = ?""")
          .params(
              erased.name(),
              erased.email(),
              erased.redactJson(row.shipTo(), json),
              erased.redactJson(row.billTo(), json),
              erased.redactText(row.notes()),
              erased.redactJson(row.holds(), json),
              erased.redactText(row.holdReason()),
              Timestamp.from(at),
              row.id())
          .update();
    }
  }

  private void rewriteHistory(List<UUID> ids, CustomerErased erased) {
    jdbc.sql("SELECT set_config('orderloop.erasure', 'on', true)").query(String.class).single();
    record Entry(UUID orderId, int sequence, String details, String reason) {}
    List<Entry> entries =
        jdbc.sql(
                "SELECT order_id, sequence, details::text, reason FROM order_events WHERE order_id = ANY(?)")
            .param(ids.toArray(UUID[]::new))
            .query(
                (rs, n) ->
                    new Entry(
                        rs.getObject(1, UUID.class),
                        rs.getInt(2),
                        rs.getString(3),
                        rs.getString(4)))
            .list();
    for (Entry e : entries) {
      String details = erased.redactJson(e.details(), json);
      String reason = erased.redactText(e.reason());
      if (!details.equals(e.details()) || !Objects.equals(reason, e.reason())) {
        jdbc.sql(
                """
                UPDATE order_events SET details = ?::jsonb, reason = ?
                WHERE order_id = ? AND sequence = ?""")
            .params(details, reason, e.orderId(), e.sequence())
            .update();
      }
    }
  }

  private static void add(Set<String> personal, String value) {
    if (value != null && !value.isBlank()) {
      personal.add(value.strip().toLowerCase(Locale.ROOT));
    }
  }

  private void addAddress(Set<String> personal, String jsonText) {
    if (jsonText != null) {
      addAddress(personal, json.readTree(jsonText));
    }
  }

  private static void addAddress(Set<String> personal, JsonNode address) {
    if (address == null || !address.isObject()) {
      return;
    }
    for (String field : ADDRESS_FIELDS) {
      JsonNode value = address.get(field);
      if (value != null && value.isString()) {
        add(personal, value.asString());
      }
    }
  }
}
