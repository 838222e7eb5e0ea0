package io.orderloop.console;

import io.orderloop.fulfillment.Fulfillment;
import io.orderloop.fulfillment.ShipmentView;
import io.orderloop.inventory.Catalogue;
import io.orderloop.inventory.SkuInfo;
import io.orderloop.inventory.StockLedger;
import io.orderloop.orders.Address;
import io.orderloop.orders.Channel;
import io.orderloop.orders.CreateOrder;
import io.orderloop.orders.OrderIntake;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderType;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Orders;
import io.orderloop.orders.Shipment;
import io.orderloop.orders.UnitOfMeasure;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * {@code orderloop.demo=true} ({@code ORDERLOOP_DEMO=true}): an empty database gets the demo store
 * of SPEC §8 at start-up — SKUs LMB-BRS-001 (cases of 12) and LMB-BRT-001 (lot LMB-LOT-2025-002),
 * two warehouses, IRONRIDGE Construction's PO-IR-2026-0089 (24 cases, Net 30, window Mar 10–14),
 * and orders in every state — so a first run shows a living board. A database with orders is left
 * alone. Order numbers take the prefix LMB unless one is configured ({@link DemoDefaults}).
 */
@Component
class DemoStore implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(DemoStore.class);
  private static final String BRASS = "LMB-BRS-001";
  private static final String TEE = "LMB-BRT-001";

  private final boolean demo;
  private final Catalogue catalogue;
  private final StockLedger ledger;
  private final OrderIntake intake;
  private final Orders orders;
  private final OrderQueries queries;
  private final Fulfillment fulfillment;

  DemoStore(
      @Value("${orderloop.demo:false}") boolean demo,
      Catalogue catalogue,
      StockLedger ledger,
      OrderIntake intake,
      Orders orders,
      OrderQueries queries,
      Fulfillment fulfillment) {
    this.demo = demo;
    this.catalogue = catalogue;
    this.ledger = ledger;
    this.intake = intake;
    this.orders = orders;
    this.queries = queries;
    this.fulfillment = fulfillment;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (!demo) {
      return;
    }
    long existing =
        queries.stateCounts(null, null).values().stream().mapToLong(Long::longValue).sum();
    if (existing > 0) {
      log.info(
          "orderloop.demo is on, but the database has {} orders: no demo store added", existing);
      return;
    }
    seed();
    log.info("demo store seeded: SKUs {} and {}, orders in every state", BRASS, TEE);
  }

  void seed() {
    catalogue.putLocation(new Catalogue.LocationInfo("EAST", "East warehouse", 1));
    catalogue.putLocation(new Catalogue.LocationInfo("WEST", "West warehouse", 2));
    catalogue.putSku(new SkuInfo(BRASS, "Brass fitting 1/2in", 12, 480, false, false, false));
    catalogue.putSku(new SkuInfo(TEE, "Brass tee", 1, null, true, false, false));
    ledger.receive(new StockLedger.Receipt(BRASS, "EAST", null, null, 600, "demo store"));
    ledger.receive(
        new StockLedger.Receipt(
            TEE, "EAST", "LMB-LOT-2025-002", LocalDate.of(2027, 6, 30), 120, "demo store"));

    // IRONRIDGE Construction's PO: 24 cases, Net 30, delivery window Mar 10–14 — allocated.
    intake.create(
        new CreateOrder(
            Channel.MANUAL,
            "demo-PO-IR-2026-0089",
            OrderType.B2B,
            new CreateOrder.Customer("IRONRIDGE Construction", "purchasing@ironridge.example"),
            address("IRONRIDGE Yard 4", "400 Foundry Rd", "Pittsburgh", "PA", "15201"),
            null,
            "USD",
            null,
            List.of(
                new CreateOrder.Line(BRASS, 24, new BigDecimal("54.00"), null, UnitOfMeasure.CASE)),
            new CreateOrder.B2b(
                "PO-IR-2026-0089",
                "NET_30",
                new CreateOrder.DeliveryWindow(
                    LocalDate.of(2027, 3, 10), LocalDate.of(2027, 3, 14))),
            null));

    OrderView allocated = dtc("demo-allocated", "Ada Buyer", 2);
    OrderView queued = dtc("demo-queued", "Ben Carter", 1);
    release(queued);
    OrderView partial = dtc("demo-partial", "Cleo Diaz", 4);
    release(partial);
    ship(partial, 2);
    OrderView shipped = dtc("demo-shipped", "Dev Patel", 2);
    release(shipped);
    ship(shipped, 2);
    OrderView delivered = dtc("demo-delivered", "Eve Lang", 1);
    release(delivered);
    ship(delivered, 1);
    orders.transition(delivered.id().toString(), OrderState.DELIVERED, "demo store", null);
    OrderView closed = dtc("demo-closed", "Finn Moss", 3);
    release(closed);
    ShipmentView s = ship(closed, 3);
    fulfillment.deliver(s.id(), null);
    orders.transition(closed.id().toString(), OrderState.CLOSED, "demo store", null);
    OrderView cancelled = dtc("demo-cancelled", "Gia Rossi", 1);
    orders.cancel(cancelled.id().toString(), "customer changed their mind", null, null);
    // Last, a B2B order larger than the stock left, shipped complete: RECEIVED, waiting for stock.
    intake.create(
        new CreateOrder(
            Channel.MANUAL,
            "demo-backorder",
            OrderType.B2B,
            new CreateOrder.Customer("Keystone Builders", "orders@keystone.example"),
            address("Keystone Builders", "12 Mill St", "Allentown", "PA", "18101"),
            null,
            "USD",
            null,
            List.of(new CreateOrder.Line(TEE, 500, new BigDecimal("6.10"), null, null)),
            new CreateOrder.B2b("KB-7781", "NET_30", null),
            null));

    log.debug("demo orders: {}", allocated.number());
  }

  private OrderView dtc(String key, String customer, int tees) {
    return intake
        .create(
            new CreateOrder(
                Channel.SHOPIFY,
                key,
                OrderType.DTC,
                new CreateOrder.Customer(
                    customer, customer.toLowerCase().replace(' ', '.') + "@example.com"),
                address(customer, "1 Loop Rd", "Springfield", "IL", "62701"),
                null,
                "USD",
                null,
                List.of(
                    new CreateOrder.Line(TEE, tees, new BigDecimal("7.25"), null, null),
                    new CreateOrder.Line(BRASS, 12, new BigDecimal("2.40"), null, null)),
                null,
                null))
        .order();
  }

  private void release(OrderView o) {
    orders.transition(o.id().toString(), OrderState.FULFILLMENT_QUEUED, "demo store", null);
  }

  private ShipmentView ship(OrderView o, int tees) {
    List<Shipment.Line> lines =
        tees == o.lines().getFirst().quantity()
            ? List.of(new Shipment.Line(TEE, tees, null), new Shipment.Line(BRASS, 12, null))
            : List.of(new Shipment.Line(TEE, tees, null));
    return fulfillment.ship(
        o.id().toString(), "UPS", "1ZDEMO" + o.number().hashCode(), lines, null);
  }

  private static Address address(
      String name, String line1, String city, String region, String zip) {
    return new Address(name, null, line1, null, city, region, zip, "US", null);
  }
}
