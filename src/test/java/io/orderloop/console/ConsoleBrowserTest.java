package io.orderloop.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderloop.ApiTest;
import io.orderloop.orders.Address;
import io.orderloop.orders.Channel;
import io.orderloop.orders.CreateOrder;
import io.orderloop.orders.HoldKind;
import io.orderloop.orders.OrderIntake;
import io.orderloop.orders.OrderQueries;
import io.orderloop.orders.OrderState;
import io.orderloop.orders.OrderType;
import io.orderloop.orders.OrderView;
import io.orderloop.orders.Orders;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console in a real headless Chromium: sign-in, the board's kept counts, a card's detail, an
 * action that moves the card on a second open board without a reload, a role without the right, a
 * forged or token-less POST, a stale page. Writes screenshots of the board and an order to {@code
 * target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest extends DemoConsoleTest {

  private static final Duration LIVE = Duration.ofSeconds(5);

  @Autowired OrderIntake intake;
  @Autowired Orders orders;
  @Autowired OrderQueries queries;
  @Autowired ConsoleUsers users;

  private Chromium admin;

  @BeforeAll
  void browser() {
    admin = Chromium.start().signIn(base(), ApiTest.CONSOLE_ADMIN, ApiTest.CONSOLE_PASSWORD);
  }

  @AfterAll
  void close() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void the_board_shows_the_kept_counts_and_a_card_opens_its_order() {
    admin.driver.get(base() + "/");
    Map<OrderState, Long> counts = queries.stateCounts(null, null);
    for (OrderState s : Board.OPEN) {
      WebElement column = admin.driver.findElement(By.cssSelector("[data-state=" + s + "]"));
      assertThat(column.findElement(By.cssSelector(".count")).getText())
          .as(s.name())
          .isEqualTo(Long.toString(counts.get(s)));
    }
    assertThat(admin.driver.findElements(By.cssSelector("[data-lane=AT_RISK], [data-lane=HELD]")))
        .hasSize(2);
    admin.screenshot("board");

    WebElement card =
        admin.driver.findElement(By.cssSelector("[data-state=ALLOCATED] .card-item a"));
    String number = card.getText();
    card.click();
    admin.waiting(LIVE).until(d -> d.getCurrentUrl().endsWith("/console/orders/" + number));
    admin.waitForText(By.tagName("h1"), number);
    assertThat(admin.driver.findElements(By.cssSelector(".timeline li"))).isNotEmpty();
    assertThat(admin.driver.findElements(By.cssSelector("[data-line]"))).isNotEmpty();
    admin.screenshot("order");

    // The navigation leads to inventory: the demo SKUs with on hand, reserved and available.
    admin.driver.findElement(By.linkText("Inventory")).click();
    admin.waitForText(By.tagName("h1"), "Inventory");
    admin.waitForText(By.cssSelector("[data-sku=LMB-BRS-001]"), "LMB-BRS-001");
    admin.screenshot("inventory");
    // A list sorts by a column's header, numbers as numbers, and again to reverse.
    admin.driver.findElement(By.xpath("//th/button[normalize-space()='On hand']")).click();
    List<Integer> ascending = column(admin, 3);
    assertThat(ascending).isSorted().hasSizeGreaterThan(1);
    admin.driver.findElement(By.xpath("//th/button[normalize-space()='On hand']")).click();
    assertThat(column(admin, 3)).isEqualTo(ascending.reversed());
    admin.driver.findElement(By.linkText("LMB-BRT-001")).click();
    admin.waitForText(By.cssSelector("main"), "LMB-LOT-2025-002");
    assertThat(admin.scriptErrors()).isEmpty();
  }

  @Test
  void every_page_of_the_navigation_loads_without_script_errors() {
    admin.driver.get(base() + "/");
    admin.scriptErrors();
    List<String> pages =
        List.of(
            "Orders", "Fulfillment", "Inventory", "Approvals", "Channels", "Webhooks", "New order");
    for (String page : pages) {
      admin.driver.findElement(By.cssSelector("header nav")).findElement(By.linkText(page)).click();
      admin
          .waiting(LIVE)
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .until(
              d -> "page".equals(d.findElement(By.linkText(page)).getDomAttribute("aria-current")));
      assertThat(admin.scriptErrors()).as(page).isEmpty();
    }
    admin.driver.get(base() + "/console/inventory/import");
    admin.waitForText(By.tagName("h1"), "Import inventory");
    admin.driver.get(base() + "/console/fulfillment");
    assertThat(admin.scriptErrors()).isEmpty();
  }

  @Test
  void an_action_moves_the_card_on_another_open_board_without_a_reload() {
    OrderView order = order("live");
    try (Chromium watcher =
        Chromium.start().signIn(base(), ApiTest.CONSOLE_ADMIN, ApiTest.CONSOLE_PASSWORD)) {
      watcher.driver.get(base() + "/?q=" + order.number());
      String allocated = count(watcher, OrderState.ALLOCATED);
      assertThat(card(watcher, OrderState.ALLOCATED, order.number())).isTrue();
      watcher.js("window.notReloaded = true;");

      // One user moves the order from its page...
      admin.driver.get(base() + "/console/orders/" + order.number());
      admin.confirm(By.cssSelector("[data-action=move-FULFILLMENT_QUEUED]"));
      admin.waitForText(By.cssSelector("h1 .state"), "In fulfillment");

      // ...and the other's board moves the card and its counts, without a reload.
      watcher
          .waiting(LIVE)
          .until(d -> card(watcher, OrderState.FULFILLMENT_QUEUED, order.number()));
      assertThat(card(watcher, OrderState.ALLOCATED, order.number())).isFalse();
      assertThat(count(watcher, OrderState.ALLOCATED))
          .isEqualTo(Long.toString(Long.parseLong(allocated) - 1));
      assertThat(watcher.js("return window.notReloaded === true;")).isEqualTo(true);

      // A change made elsewhere (here the orders module, as the API or a channel would) shows too.
      orders.hold(order.number(), HoldKind.MANUAL, "address check", null);
      watcher
          .waiting(LIVE)
          .until(
              d ->
                  !d.findElements(
                          By.cssSelector("[data-lane=HELD] [data-order='" + order.number() + "']"))
                      .isEmpty());
      assertThat(watcher.js("return window.notReloaded === true;")).isEqualTo(true);
      assertThat(watcher.scriptErrors()).isEmpty();
    }
  }

  @Test
  void a_role_without_the_right_sees_no_action_and_a_forged_post_is_refused() {
    OrderView order = order("finance");
    String email = "finance-" + System.nanoTime() + "@lumbercraft.test";
    users.put(
        email,
        new ConsoleUsers.Settings("Fran Finance", ConsoleRole.FINANCE, "finance-password-1", true));
    try (Chromium finance = Chromium.start().signIn(base(), email, "finance-password-1")) {
      finance.driver.get(base() + "/console/orders/" + order.number());
      assertThat(finance.driver.findElement(By.tagName("h1")).getText()).contains(order.number());
      assertThat(finance.driver.findElements(By.cssSelector("[data-action]"))).isEmpty();

      Map<String, Object> forged =
          post(finance, "/console/orders/" + order.number() + "/cancel", order.version(), true);
      assertThat(forged.get("status")).isEqualTo(403L);
      assertThat(queries.find(order.number()).orElseThrow().state())
          .isEqualTo(OrderState.ALLOCATED);
    }
  }

  @Test
  void a_post_without_the_csrf_token_is_refused() {
    OrderView order = order("csrf");
    admin.driver.get(base() + "/console/orders/" + order.number());
    Map<String, Object> refused =
        post(admin, "/console/orders/" + order.number() + "/cancel", order.version(), false);
    assertThat(refused.get("status")).isEqualTo(403L);
    Map<String, Object> accepted =
        post(admin, "/console/orders/" + order.number() + "/hold", order.version(), true);
    assertThat(accepted.get("status")).isEqualTo(200L);
    OrderView after = queries.find(order.number()).orElseThrow();
    assertThat(after.state()).isEqualTo(OrderState.ALLOCATED);
    assertThat(after.hold()).isNotNull();
  }

  @Test
  void a_stale_page_is_told_the_order_changed_and_nothing_is_done() {
    OrderView order = order("stale");
    admin.driver.get(base() + "/console/orders/" + order.number());
    orders.hold(order.number(), HoldKind.MANUAL, "someone else, meanwhile", null);
    admin.confirm(By.cssSelector("[data-action=move-FULFILLMENT_QUEUED]"));
    admin.waitForText(By.cssSelector("[role=alert]"), "changed since you opened it");
    assertThat(queries.find(order.number()).orElseThrow().state()).isEqualTo(OrderState.ALLOCATED);
  }

  /** A POST from inside the page, with or without the page's CSRF token; returns its status. */
  private static Map<String, Object> post(
      Chromium browser, String path, int version, boolean withToken) {
    return browser.fetch(
        """
        const [path, version, withToken, done] = arguments;
        const body = new URLSearchParams({version: String(version), reason: 'forged'});
        const token = document.querySelector('input[name=_csrf]');
        if (withToken) body.set('_csrf', token.value);
        fetch(path, {method: 'POST', body, redirect: 'manual', credentials: 'same-origin'})
          .then(r => done({status: r.status === 0 ? 200 : r.status}),
                e => done({status: -1, error: String(e)}));
        """,
        path,
        version,
        withToken);
  }

  private static List<Integer> column(Chromium browser, int n) {
    return browser
        .driver
        .findElements(By.cssSelector("table.sortable tbody tr td:nth-child(" + n + ")"))
        .stream()
        .map(e -> Integer.parseInt(e.getText().strip()))
        .toList();
  }

  private static boolean card(Chromium browser, OrderState state, String number) {
    return !browser
        .driver
        .findElements(By.cssSelector("[data-state=" + state + "] [data-order='" + number + "']"))
        .isEmpty();
  }

  private static String count(Chromium browser, OrderState state) {
    return browser
        .driver
        .findElement(By.cssSelector("[data-state=" + state + "] .count"))
        .getText();
  }

  @Test
  void a_customer_opens_the_portal_from_a_link_and_cancels_an_order_before_it_is_prepared() {
    OrderView order = order("portal");
    String email = order.customer().email();
    // The order page issues the link; the customer's browser is another one.
    admin.driver.get(base() + "/console/orders/" + order.number());
    admin.driver.findElement(By.cssSelector("[data-action=portal-link]")).click();
    admin.waitForText(By.cssSelector("p.note"), "/portal/sign-in?token=");
    String notice = admin.driver.findElement(By.cssSelector("p.note")).getText();
    String link = notice.substring(notice.indexOf("http"));
    try (Chromium customer = Chromium.start()) {
      customer.driver.get(link);
      customer.driver.findElement(By.cssSelector("[data-action=sign-in]")).click();
      // Signed in: the bar names the customer (the sign-in page has no bar).
      customer.waitForText(By.cssSelector("header .who"), email);
      customer.driver.findElement(By.linkText(order.number())).click();
      customer.waitForText(By.tagName("h1"), order.number());
      customer.screenshot("portal-order");
      customer.confirm(By.cssSelector("[data-action=cancel]"));
      customer.waitForText(By.cssSelector("p.note"), "is cancelled");
      assertThat(customer.driver.findElement(By.cssSelector("[data-status]")).getText())
          .isEqualTo("Cancelled");
      assertThat(customer.scriptErrors()).isEmpty();
    }
    assertThat(queries.get(order.number()).state()).isEqualTo(OrderState.CANCELLED);
  }

  private OrderView order(String label) {
    return intake
        .create(
            new CreateOrder(
                Channel.MANUAL,
                "browser-" + label + "-" + System.nanoTime(),
                OrderType.DTC,
                new CreateOrder.Customer("Browser " + label, label + "@example.com"),
                new Address(
                    "Browser " + label,
                    null,
                    "1 Test Way",
                    null,
                    "Springfield",
                    "IL",
                    "62701",
                    "US",
                    null),
                null,
                "USD",
                null,
                List.of(
                    new CreateOrder.Line("LMB-BRS-001", 12, new BigDecimal("2.40"), null, null)),
                null,
                null))
        .order();
  }
}
