package io.orderloop.channels;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.TextRules;
import io.orderloop.inventory.Catalogue;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * A channel's own product codes for our SKUs. A channel line maps to our SKU by its SKU text, or
 * through an alias: for Shopify the line's SKU, for Square the variation's SKU or its {@code
 * catalog_object_id}, for EDI the product id, optionally prefixed by its qualifier ({@code
 * BP:IR-BRS-12}; without a qualifier it matches any). Channels are {@code shopify}, {@code square}
 * and {@code edi:{partnerId}}. Rejects (422) an unknown channel, an empty or unprintable code and a
 * SKU we do not have; 404 for an alias that does not exist.
 */
@Service
public class SkuAliases {

  private static final Pattern CHANNEL = Pattern.compile("shopify|square|edi:[A-Za-z0-9._-]{1,64}");

  private final JdbcClient jdbc;
  private final Catalogue catalogue;
  private final Clock clock;

  SkuAliases(JdbcClient jdbc, Catalogue catalogue, Clock clock) {
    this.jdbc = jdbc;
    this.catalogue = catalogue;
    this.clock = clock;
  }

  /** One alias: the channel's code and our SKU. */
  public record Alias(
      String channel, String externalSku, String sku, Instant createdAt, Instant updatedAt) {}

  /** Creates or repoints an alias; returns it and whether it was new. */
  public ChannelConnections.Saved<Alias> put(String channel, String externalSku, String sku) {
    String c = channel(channel);
    String code = externalSku(externalSku);
    String ours = catalogue.requireSku(sku, "sku").code();
    Timestamp now = Timestamp.from(clock.instant());
    boolean created =
        jdbc.sql(
                """
                INSERT INTO channel_sku_aliases (channel, external_sku, sku, created_at, updated_at)
                VALUES (:channel, :code, :sku, :now, :now)
                ON CONFLICT (channel, external_sku) DO UPDATE SET sku = :sku, updated_at = :now
                RETURNING (xmax = 0)""")
            .param("channel", c)
            .param("code", code)
            .param("sku", ours)
            .param("now", now)
            .query(Boolean.class)
            .single();
    return new ChannelConnections.Saved<>(
        find(c, code)
            .orElseThrow(
                () -> ApiProblem.notFound("the alias '" + code + "' was removed meanwhile")),
        created);
  }

  public Optional<Alias> find(String channel, String externalSku) {
    return jdbc.sql(
            """
            SELECT channel, external_sku, sku, created_at, updated_at FROM channel_sku_aliases
            WHERE channel = ? AND external_sku = ?""")
        .params(channel(channel), externalSku(externalSku))
        .query(SkuAliases::map)
        .optional();
  }

  public List<Alias> list(String channel) {
    return jdbc.sql(
            """
            SELECT channel, external_sku, sku, created_at, updated_at FROM channel_sku_aliases
            WHERE channel = ? ORDER BY external_sku""")
        .param(channel(channel))
        .query(SkuAliases::map)
        .list();
  }

  public void delete(String channel, String externalSku) {
    int deleted =
        jdbc.sql("DELETE FROM channel_sku_aliases WHERE channel = ? AND external_sku = ?")
            .params(channel(channel), externalSku(externalSku))
            .update();
    if (deleted == 0) {
      throw ApiProblem.notFound("no alias '" + externalSku + "' on channel '" + channel + "'");
    }
  }

  /**
   * Our SKU for a channel line's code: an alias first, then the code itself when it is one of our
   * SKUs. For EDI a qualified code ({@code BP:X}) also matches an alias of the bare code.
   */
  /**
   * {@link #resolve} for many codes at once, in two queries: each code that maps, to our SKU (codes
   * that map to nothing are absent).
   */
  public java.util.Map<String, String> resolveAll(
      String channel, java.util.Collection<String> codes) {
    String c = channel(channel);
    java.util.Map<String, List<String>> candidates = new java.util.LinkedHashMap<>();
    java.util.Set<String> all = new java.util.LinkedHashSet<>();
    for (String externalCode : codes) {
      if (externalCode == null || externalCode.isBlank()) {
        continue;
      }
      String code = externalCode.strip();
      var qualified = EDI_QUALIFIED.matcher(code);
      String bare = c.startsWith("edi:") && qualified.matches() ? qualified.group(1) : null;
      List<String> tries = bare == null ? List.of(code) : List.of(code, bare);
      candidates.put(externalCode, tries);
      all.addAll(tries);
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    if (all.isEmpty()) {
      return out;
    }
    java.util.Map<String, String> aliased = new java.util.HashMap<>();
    jdbc.sql(
            "SELECT external_sku, sku FROM channel_sku_aliases WHERE channel = ? AND external_sku = ANY(?)")
        .params(c, all.toArray(String[]::new))
        .query((rs, n) -> aliased.put(rs.getString("external_sku"), rs.getString("sku")))
        .list();
    java.util.Set<String> own = catalogue.skus(all).keySet();
    candidates.forEach(
        (code, tries) -> {
          String sku =
              tries.stream()
                  .map(aliased::get)
                  .filter(java.util.Objects::nonNull)
                  .findFirst()
                  .orElse(tries.stream().filter(own::contains).findFirst().orElse(null));
          if (sku != null) {
            out.put(code, sku);
          }
        });
    return out;
  }

  public Optional<String> resolve(String channel, String externalCode) {
    if (externalCode == null || externalCode.isBlank()) {
      return Optional.empty();
    }
    String c = channel(channel);
    String code = externalCode.strip();
    // An EDI product id may come with its qualifier (BP:, VP:, UP:, ...): an alias or SKU of the
    // bare id matches it too.
    var qualified = EDI_QUALIFIED.matcher(code);
    String bare = c.startsWith("edi:") && qualified.matches() ? qualified.group(1) : null;
    for (String candidate : bare == null ? List.of(code) : List.of(code, bare)) {
      Optional<String> aliased =
          jdbc.sql("SELECT sku FROM channel_sku_aliases WHERE channel = ? AND external_sku = ?")
              .params(c, candidate)
              .query(String.class)
              .optional();
      if (aliased.isPresent()) {
        return aliased;
      }
    }
    for (String candidate : bare == null ? List.of(code) : List.of(code, bare)) {
      Optional<String> own = catalogue.sku(candidate).map(s -> s.code());
      if (own.isPresent()) {
        return own;
      }
    }
    return Optional.empty();
  }

  /** Our SKU for a channel code by an alias only (not by our own SKU codes). */
  public Optional<String> alias(String channel, String externalCode) {
    if (externalCode == null || externalCode.isBlank()) {
      return Optional.empty();
    }
    return jdbc.sql("SELECT sku FROM channel_sku_aliases WHERE channel = ? AND external_sku = ?")
        .params(channel(channel), externalCode.strip())
        .query(String.class)
        .optional();
  }

  /** An X12 product id qualifier (two or three letters or digits) and the id after it. */
  private static final Pattern EDI_QUALIFIED = Pattern.compile("[A-Z0-9]{2,3}:(.+)");

  private static String channel(String channel) {
    String c = channel == null ? "" : channel.strip();
    if (c.regionMatches(true, 0, "edi:", 0, 4)) {
      c = "edi:" + c.substring(4);
    } else {
      c = c.toLowerCase(Locale.ROOT);
    }
    if (!CHANNEL.matcher(c).matches()) {
      throw ApiProblem.unprocessable(
          "channel", "'" + channel + "' is not a channel: shopify, square or edi:{partnerId}");
    }
    return c;
  }

  private static String externalSku(String externalSku) {
    String code = externalSku == null ? "" : externalSku.strip();
    if (code.isEmpty() || code.length() > 255 || TextRules.problem(code) != null) {
      throw ApiProblem.unprocessable(
          "externalSku", "give the channel's product code (1 to 255 printable characters)");
    }
    return code;
  }

  private static Alias map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
    return new Alias(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getTimestamp(4).toInstant(),
        rs.getTimestamp(5).toInstant());
  }
}
