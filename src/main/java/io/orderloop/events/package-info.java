/**
 * Loop events for the systems around Orderloop: a transactional outbox written in the same commit
 * as each history entry, positioned in commit order, read as a pull feed and delivered to signed
 * webhook subscriptions.
 */
package io.orderloop.events;
