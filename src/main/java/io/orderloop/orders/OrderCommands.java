package io.orderloop.orders;

import io.orderloop.common.Actors;
import io.orderloop.common.ApiProblem;
import io.orderloop.common.IfMatch;
import io.orderloop.common.Transactions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The one skeleton of a command on an order: in a transaction, load it under its row lock, check
 * the client's {@code If-Match} version, start the command (actor, time), ask the aggregate, save
 * what it changed. Every order command runs through here, so none re-enters another's transaction
 * with its own copy of the order.
 */
@Component
class OrderCommands {

  private final OrderRepository repository;
  private final Transactions transactions;
  private final OrderProperties properties;
  private final Clock clock;

  OrderCommands(
      OrderRepository repository,
      Transactions transactions,
      OrderProperties properties,
      Clock clock) {
    this.repository = repository;
    this.transactions = transactions;
    this.properties = properties;
    this.clock = clock;
  }

  /** Runs {@code command} on the locked order and answers the order as saved. */
  OrderView run(String idOrNumber, IfMatch expectedVersion, Consumer<Order> command) {
    return call(
        idOrNumber,
        expectedVersion,
        order -> {
          command.accept(order);
          return order;
        },
        OrderView::of);
  }

  /** Runs {@code command} on the locked order and answers what {@code answer} makes of it. */
  <T, R> R call(
      String idOrNumber,
      IfMatch expectedVersion,
      Function<Order, T> command,
      Function<T, R> answer) {
    return transactions.inTransaction(
        () -> {
          Order order = lock(idOrNumber, expectedVersion);
          T result = command.apply(order);
          repository.save(order);
          return answer.apply(result);
        });
  }

  /**
   * Runs {@code command} as the system on an order this transaction already locked (the scheduler's
   * batch query takes the locks).
   */
  <T> T asSystem(UUID id, Function<Order, T> command) {
    return transactions.inTransaction(
        () -> {
          Order order =
              beginAsSystem(repository.load(id, false).orElseThrow(() -> notFound(id.toString())));
          T result = command.apply(order);
          repository.save(order);
          return result;
        });
  }

  /**
   * Runs {@code command} as the system on the order unless another transaction holds it ({@code
   * SKIP LOCKED}); empty when it was held or is gone.
   */
  <T> java.util.Optional<T> ifUnlocked(UUID id, Function<Order, T> command) {
    return transactions.inTransaction(
        () ->
            repository
                .loadIfUnlocked(id)
                .map(
                    order -> {
                      beginAsSystem(order);
                      T result = command.apply(order);
                      repository.save(order);
                      return result;
                    }));
  }

  /** Locks an order for a command and checks the client's {@code If-Match} version. */
  Order lock(String idOrNumber, IfMatch expectedVersion) {
    UUID id = repository.resolve(idOrNumber).orElseThrow(() -> notFound(idOrNumber));
    Order order = repository.load(id, true).orElseThrow(() -> notFound(idOrNumber));
    if (expectedVersion != null && !expectedVersion.matches(order.version)) {
      throw ApiProblem.preconditionFailed(
              "order "
                  + order.number
                  + " is at version "
                  + order.version
                  + " (ETag \""
                  + order.version
                  + "\"); If-Match had "
                  + expectedVersion.describe()
                  + "; read it again and retry")
          .with("currentVersion", order.version);
    }
    return begin(order);
  }

  /** Starts a command on a loaded order: the acting key and the time (as stored: microseconds). */
  Order begin(Order order) {
    return order.begin(Actors.current(), now(), properties.closeGrace());
  }

  private Order beginAsSystem(Order order) {
    return order.begin(Actors.SYSTEM, now(), properties.closeGrace());
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  static ApiProblem notFound(String idOrNumber) {
    return ApiProblem.notFound("no order with id or number '" + idOrNumber + "'");
  }
}
