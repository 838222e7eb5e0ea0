package io.orderloop.inventory;

import io.orderloop.common.Transactions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Checks stock against reservations and the ledger: what operators and the drills call clean. */
@Service
public class StockReconciliation {

  private final JdbcClient jdbc;
  private final Transactions transactions;
  private final Clock clock;

  StockReconciliation(JdbcClient jdbc, Transactions transactions, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** Checks every stock row against its reservations and its ledger, in one consistent read. */
  public Reconciliation reconcile() {
    return transactions.inTransaction(
        () -> {
          int rows = jdbc.sql("SELECT count(*) FROM stock").query(Integer.class).single();
          List<Reconciliation.Problem> problems =
              jdbc.sql(
                      """
                      SELECT s.id, s.sku, s.location, l.code AS lot, s.on_hand, s.reserved,
                             coalesce(r.active, 0) AS active, coalesce(m.on_hand, 0) AS ledger_on_hand,
                             coalesce(m.reserved, 0) AS ledger_reserved
                      FROM stock s
                      LEFT JOIN lots l ON l.id = s.lot_id
                      LEFT JOIN (SELECT stock_id, sum(quantity) AS active FROM reservations
                                 WHERE status = 'ACTIVE' GROUP BY stock_id) r ON r.stock_id = s.id
                      LEFT JOIN (SELECT stock_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
                                 FROM stock_movements GROUP BY stock_id) m ON m.stock_id = s.id
                      WHERE s.reserved <> coalesce(r.active, 0) OR s.on_hand < s.reserved OR s.reserved < 0
                         OR s.on_hand <> coalesce(m.on_hand, 0) OR s.reserved <> coalesce(m.reserved, 0)
                      ORDER BY s.id""")
                  .query(
                      (rs, n) -> {
                        int onHand = rs.getInt("on_hand");
                        int reserved = rs.getInt("reserved");
                        int active = rs.getInt("active");
                        int ledgerOnHand = rs.getInt("ledger_on_hand");
                        int ledgerReserved = rs.getInt("ledger_reserved");
                        List<String> issues = new ArrayList<>();
                        if (reserved != active) {
                          issues.add("reserved differs from the sum of active reservations");
                        }
                        if (onHand < reserved) {
                          issues.add("on hand below reserved");
                        }
                        if (reserved < 0) {
                          issues.add("reserved below zero");
                        }
                        if (onHand != ledgerOnHand || reserved != ledgerReserved) {
                          issues.add("ledger does not add up to the row");
                        }
                        return new Reconciliation.Problem(
                            rs.getLong("id"),
                            rs.getString("sku"),
                            rs.getString("location"),
                            rs.getString("lot"),
                            onHand,
                            reserved,
                            active,
                            ledgerOnHand,
                            ledgerReserved,
                            issues);
                      })
                  .list();
          return new Reconciliation(problems.isEmpty(), rows, clock.instant(), problems);
        });
  }
}
