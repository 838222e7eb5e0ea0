/**
 * The customer portal: customers sign in with a one-time, expiring link (no password), issued by an
 * operator, the API or an agent and sent by e-mail when SMTP is configured; they then see and act
 * on their own orders only, through pages at {@code /portal} and the customer API at {@code
 * /api/v1/portal}.
 */
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"common", "orders", "fulfillment", "returns", "security"})
package io.orderloop.portal;
