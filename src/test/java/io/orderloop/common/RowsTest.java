package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderloop.TestDatabases;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** {@link Rows} against a real PostgreSQL: names, types, nulls, and a missing column. */
class RowsTest {

  private static JdbcClient jdbc;

  enum Kind {
    RECEIPT,
    SHIPMENT
  }

  record Row(
      long stockId,
      String lotCode,
      LocalDate expiresOn,
      Instant receivedAt,
      BigDecimal unitPrice,
      UUID orderId,
      Kind kind,
      int onHand,
      boolean lotControlled,
      Integer palletQuantity) {}

  @BeforeAll
  static void database() {
    jdbc = JdbcClient.create(new DriverManagerDataSource(TestDatabases.fresh()));
  }

  @Test
  void maps_snake_case_and_camel_case_columns_with_their_types() {
    UUID id = UUID.randomUUID();
    List<Row> rows =
        jdbc.sql(
                """
                SELECT 7::bigint AS stock_id, 'L1' AS lot_code, DATE '2027-01-31' AS expires_on,
                       TIMESTAMPTZ '2026-11-27 10:00:00+00' AS "receivedAt", 12.50::numeric AS unit_price,
                       ?::uuid AS order_id, 'SHIPMENT' AS kind, 40 AS on_hand, true AS lot_controlled,
                       NULL::int AS pallet_quantity
                UNION ALL
                SELECT 8, NULL, NULL, TIMESTAMPTZ '2026-11-28 10:00:00+00', 0, ?::uuid, 'RECEIPT', 0,
                       false, 12""")
            .params(id, id)
            .query(Rows.of(Row.class))
            .list();

    assertThat(rows)
        .containsExactly(
            new Row(
                7,
                "L1",
                LocalDate.of(2027, 1, 31),
                Instant.parse("2026-11-27T10:00:00Z"),
                new BigDecimal("12.50"),
                id,
                Kind.SHIPMENT,
                40,
                true,
                null),
            new Row(
                8,
                null,
                null,
                Instant.parse("2026-11-28T10:00:00Z"),
                new BigDecimal("0"),
                id,
                Kind.RECEIPT,
                0,
                false,
                12));
  }

  @Test
  void a_column_the_record_needs_but_the_query_lacks_is_named_in_the_error() {
    assertThatThrownBy(() -> jdbc.sql("SELECT 1 AS stock_id").query(Rows.of(Row.class)).list())
        .hasMessageContaining("Row.lotCode");
  }
}
