/**
 * Loop events for the systems around Orderloop: a transactional outbox written in the same commit
 * as each history entry, positioned in commit order, read as a pull feed, delivered to signed
 * webhook subscriptions and relayed to Kafka. Listens to the orders module's {@code
 * OrderEventRecorded} and the inventory module's {@code StockArrived}.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "orders", "inventory"})
package io.orderloop.events;
