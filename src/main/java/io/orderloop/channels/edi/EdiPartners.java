package io.orderloop.channels.edi;

import io.orderloop.common.ApiProblem;
import io.orderloop.common.TextRules;
import io.orderloop.inventory.Catalogue;
import io.orderloop.orders.Address;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * EDI trading partners: who they are in X12 envelopes (ISA qualifier and id, GS id — theirs, and
 * ours when it differs from {@code orderloop.edi.*}), the X12 version they speak, the documents
 * they take back (855, 856, 810), the delimiters they want in what we send, their default payment
 * terms and the location their orders ship from. An interchange is matched to its partner by its
 * sender (ISA05/ISA06), which is therefore unique among partners.
 */
@Component
public class EdiPartners {

  static final Set<String> VERSIONS = Set.of("004010", "005010");
  static final Set<Integer> OUTBOUND = Set.of(855, 856, 810);
  private static final Pattern PARTNER_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  private static final Pattern QUALIFIER = Pattern.compile("[A-Z0-9]{2}");
  private static final Pattern ISA_ID = Pattern.compile("[A-Za-z0-9 ._/&()@,'+-]{1,15}");
  private static final Pattern GS_ID = Pattern.compile("[A-Za-z0-9 ._/&()@,'+-]{2,15}");
  private static final Pattern TERMS = Pattern.compile("NET_[0-9]{1,3}|DUE_ON_RECEIPT|PREPAID|COD");

  /** How a newline delimiter (usually the segment terminator) is given and shown. */
  public static final String NEWLINE = "newline";

  /**
   * The delimiters a partner wants in what we send: one character each (or {@code newline}), all
   * different.
   */
  public record Delimiters(String element, String component, String segment, String repetition) {
    static final Delimiters DEFAULT = new Delimiters("*", ">", "~", "^");
  }

  /** A partner as configured and listed. */
  public record Partner(
      String partnerId,
      String name,
      String isaQualifier,
      String isaId,
      String gsId,
      String version,
      List<Integer> outbound,
      String location,
      String paymentTerms,
      String ourIsaQualifier,
      String ourIsaId,
      String ourGsId,
      Delimiters delimiters,
      Map<String, Address> stores,
      boolean takeTestInterchanges,
      Instant createdAt,
      Instant updatedAt) {}

  /** What a {@code PUT} carries; {@code our*} and {@code delimiters} are optional. */
  public record Settings(
      String name,
      String isaQualifier,
      String isaId,
      String gsId,
      String version,
      List<Integer> outbound,
      String location,
      String paymentTerms,
      String ourIsaQualifier,
      String ourIsaId,
      String ourGsId,
      Delimiters delimiters,
      Map<String, Address> stores,
      Boolean takeTestInterchanges) {}

  /** The result of a {@code PUT}: the partner, and whether it was new. */
  public record Saved(Partner partner, boolean created) {}

  private final JdbcClient jdbc;
  private final Catalogue catalogue;
  private final EdiProperties properties;
  private final Clock clock;
  private final JsonMapper json;

  EdiPartners(
      JdbcClient jdbc,
      Catalogue catalogue,
      EdiProperties properties,
      Clock clock,
      JsonMapper json) {
    this.jdbc = jdbc;
    this.catalogue = catalogue;
    this.properties = properties;
    this.clock = clock;
    this.json = json;
  }

  public Saved put(String partnerId, Settings s) {
    String id = partnerId == null ? "" : partnerId.strip();
    if (!PARTNER_ID.matcher(id).matches()) {
      throw ApiProblem.unprocessable(
          "partnerId", "give a partner id of 1 to 40 letters, digits, _ or -");
    }
    if (s == null) {
      throw ApiProblem.unprocessable(null, "give the partner's settings");
    }
    String name = required("name", s.name(), 200);
    String qualifier =
        match(
            "isaQualifier", s.isaQualifier(), QUALIFIER, "two letters or digits (e.g. ZZ, 01, 12)");
    String isaId = match("isaId", s.isaId(), ISA_ID, "1 to 15 characters, as in ISA06");
    String gsId = match("gsId", s.gsId(), GS_ID, "2 to 15 characters, as in GS02");
    String version = s.version() == null ? "005010" : s.version().strip();
    if (!VERSIONS.contains(version)) {
      throw ApiProblem.unprocessable("version", "give 004010 or 005010");
    }
    List<Integer> outbound = s.outbound() == null ? List.of() : s.outbound();
    if (outbound.stream().anyMatch(o -> o == null || !OUTBOUND.contains(o))
        || new HashSet<>(outbound).size() != outbound.size()) {
      throw ApiProblem.unprocessable(
          "outbound", "list the documents they take back, each once: 855, 856, 810");
    }
    String location =
        catalogue.requireLocation(required("location", s.location(), 64), "location").code();
    String terms =
        s.paymentTerms() == null || s.paymentTerms().isBlank() ? null : s.paymentTerms().strip();
    if (terms != null && !TERMS.matcher(terms).matches()) {
      throw ApiProblem.unprocessable(
          "paymentTerms", "use NET_<days> (e.g. NET_30), DUE_ON_RECEIPT, PREPAID or COD");
    }
    String ourQualifier =
        optional("ourIsaQualifier", s.ourIsaQualifier(), QUALIFIER, "two letters or digits");
    String ourIsaId = optional("ourIsaId", s.ourIsaId(), ISA_ID, "1 to 15 characters");
    String ourGsId = optional("ourGsId", s.ourGsId(), GS_ID, "2 to 15 characters");
    Delimiters delimiters = delimiters(s.delimiters());
    Map<String, Address> stores = stores(s.stores());
    requireApart(delimiters, "isaId", isaId);
    requireApart(delimiters, "gsId", gsId);
    requireApart(delimiters, "ourIsaId", ourIsaId == null ? properties.isaId() : ourIsaId);
    requireApart(delimiters, "ourGsId", ourGsId == null ? properties.gsId() : ourGsId);
    Instant now = clock.instant();
    boolean created;
    try {
      created =
          jdbc.sql(
                  """
                  INSERT INTO edi_partners (partner_id, name, isa_qualifier, isa_id, gs_id, version, outbound,
                      location, payment_terms, our_isa_qualifier, our_isa_id, our_gs_id, element_separator,
                      component_separator, segment_terminator, repetition_separator, stores,
                      take_test_interchanges, last_control_number, created_at, updated_at)
                  VALUES (:id, :name, :qualifier, :isaId, :gsId, :version, :outbound, :location, :terms,
                      :ourQualifier, :ourIsaId, :ourGsId, :element, :component, :segment, :repetition,
                      :stores::jsonb, :takeTest,
                      (SELECT coalesce(max(interchange_control::bigint), 0) FROM edi_documents
                       WHERE partner_id = :id AND direction = 'OUT' AND interchange_control ~ '^[0-9]{1,18}$'),
                      :now, :now)
                  ON CONFLICT (partner_id) DO UPDATE SET name = :name, isa_qualifier = :qualifier,
                      isa_id = :isaId, gs_id = :gsId, version = :version, outbound = :outbound,
                      location = :location, payment_terms = :terms, our_isa_qualifier = :ourQualifier,
                      our_isa_id = :ourIsaId, our_gs_id = :ourGsId, element_separator = :element,
                      component_separator = :component, segment_terminator = :segment,
                      repetition_separator = :repetition, stores = :stores::jsonb,
                      take_test_interchanges = :takeTest, updated_at = :now
                  RETURNING (xmax = 0)""")
              .param("id", id)
              .param("name", name)
              .param("qualifier", qualifier)
              .param("isaId", isaId)
              .param("gsId", gsId)
              .param("version", version)
              .param(
                  "outbound",
                  outbound.stream()
                      .sorted()
                      .map(String::valueOf)
                      .reduce((a, b) -> a + "," + b)
                      .orElse(""))
              .param("location", location)
              .param("terms", terms)
              .param("ourQualifier", ourQualifier)
              .param("ourIsaId", ourIsaId)
              .param("ourGsId", ourGsId)
              .param("element", delimiters.element())
              .param("component", delimiters.component())
              .param("segment", delimiters.segment())
              .param("repetition", delimiters.repetition())
              .param("stores", json.writeValueAsString(stores))
              .param("takeTest", Boolean.TRUE.equals(s.takeTestInterchanges()))
              .param("now", Timestamp.from(now))
              .query(Boolean.class)
              .single();
    } catch (DuplicateKeyException taken) {
      String other = bySender(qualifier, isaId).map(Partner::partnerId).orElse("another partner");
      throw ApiProblem.conflict(
          "edi-sender-taken",
          "Sender already configured",
          "the sender "
              + qualifier
              + "/"
              + isaId
              + " is partner "
              + other
              + "'s; an interchange is matched to its partner by its sender");
    }
    return new Saved(
        find(id)
            .orElseThrow(() -> ApiProblem.notFound("partner '" + id + "' was removed meanwhile")),
        created);
  }

  public Optional<Partner> find(String partnerId) {
    return jdbc.sql(COLUMNS + " WHERE partner_id = ?")
        .param(partnerId == null ? "" : partnerId.strip())
        .query(this::partner)
        .optional();
  }

  /** The partner an interchange comes from, by its sender (ISA05, ISA06). */
  public Optional<Partner> bySender(String qualifier, String isaId) {
    return jdbc.sql(COLUMNS + " WHERE isa_qualifier = ? AND isa_id = ?")
        .params(qualifier == null ? "" : qualifier.strip(), isaId == null ? "" : isaId.strip())
        .query(this::partner)
        .optional();
  }

  /**
   * The partner's next control number (ISA13, GS06): taken by updating the partner's row, so it is
   * never handed out twice, also by two instances; after 999,999,999 it starts again at 1.
   */
  long nextControl(String partnerId) {
    return jdbc.sql(
            """
            UPDATE edi_partners SET last_control_number =
                CASE WHEN last_control_number >= 999999999 THEN 1 ELSE last_control_number + 1 END
            WHERE partner_id = ? RETURNING last_control_number""")
        .param(partnerId)
        .query(Long.class)
        .optional()
        .orElseThrow(
            () ->
                ApiProblem.conflict(
                    "edi-partner-removed",
                    "Partner removed",
                    "partner "
                        + partnerId
                        + " was removed while its documents were being written"));
  }

  /** Who we are to the partner and who they are, for what we send them. */
  X12Writer.Envelope envelopeTo(Partner p, long control, Instant at) {
    return envelopeTo(p, control, at, false);
  }

  /** As {@link #envelopeTo(Partner, long, Instant)}, marked test (ISA15 T) when {@code test}. */
  X12Writer.Envelope envelopeTo(Partner p, long control, Instant at, boolean test) {
    return new X12Writer.Envelope(
        p.ourIsaQualifier() != null ? p.ourIsaQualifier() : properties.isaQualifier(),
        ourIsaId(p),
        p.isaQualifier(),
        p.isaId(),
        p.ourGsId() != null ? p.ourGsId() : properties.gsId(),
        p.gsId(),
        p.version(),
        p.delimiters(),
        control,
        at,
        test);
  }

  /** Our interchange id to this partner (ISA08 of what they send, ISA06 of what we send). */
  String ourIsaId(Partner p) {
    return p.ourIsaId() != null ? p.ourIsaId() : properties.isaId();
  }

  public List<Partner> list() {
    return jdbc.sql(COLUMNS + " ORDER BY partner_id").query(this::partner).list();
  }

  public void delete(String partnerId) {
    String id = partnerId == null ? "" : partnerId.strip();
    if (jdbc.sql("DELETE FROM edi_partners WHERE partner_id = ?").param(id).update() == 0) {
      throw ApiProblem.notFound("no EDI partner '" + partnerId + "'");
    }
  }

  private static final String COLUMNS =
      """
      SELECT partner_id, name, isa_qualifier, isa_id, gs_id, version, outbound, location, payment_terms,
             our_isa_qualifier, our_isa_id, our_gs_id, element_separator, component_separator,
             segment_terminator, repetition_separator, stores::text AS stores, take_test_interchanges, created_at, updated_at
      FROM edi_partners""";

  private Partner partner(ResultSet rs, int n) throws SQLException {
    String outbound = rs.getString("outbound");
    return new Partner(
        rs.getString("partner_id"),
        rs.getString("name"),
        rs.getString("isa_qualifier"),
        rs.getString("isa_id"),
        rs.getString("gs_id"),
        rs.getString("version"),
        outbound.isEmpty()
            ? List.of()
            : Arrays.stream(outbound.split(",")).map(Integer::valueOf).toList(),
        rs.getString("location"),
        rs.getString("payment_terms"),
        rs.getString("our_isa_qualifier"),
        rs.getString("our_isa_id"),
        rs.getString("our_gs_id"),
        new Delimiters(
            rs.getString("element_separator"),
            rs.getString("component_separator"),
            rs.getString("segment_terminator"),
            rs.getString("repetition_separator")),
        json.readValue(rs.getString("stores"), STORES),
        rs.getBoolean("take_test_interchanges"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }

  private static final tools.jackson.core.type.TypeReference<Map<String, Address>> STORES =
      new tools.jackson.core.type.TypeReference<>() {};

  /** Stores by the buyer's location code (SDQ, N1*ST with a code only): each needs an address. */
  private static Map<String, Address> stores(Map<String, Address> given) {
    if (given == null) {
      return Map.of();
    }
    if (given.size() > 5000) {
      throw ApiProblem.unprocessable("stores", "at most 5,000 stores per partner");
    }
    Map<String, Address> out = new java.util.TreeMap<>();
    for (var e : given.entrySet()) {
      String code = e.getKey() == null ? "" : e.getKey().strip();
      if (!STORE.matcher(code).matches()) {
        throw ApiProblem.unprocessable(
            "stores", "store codes are 1 to 80 letters, digits, spaces or . _ / -");
      }
      Address a = e.getValue();
      if (a == null || a.line1() == null || a.line1().isBlank() || a.city() == null) {
        throw ApiProblem.unprocessable(
            "stores." + code, "give the store's address: at least line1 and city");
      }
      out.put(code, a);
    }
    return out;
  }

  private static final Pattern STORE = Pattern.compile("[A-Za-z0-9 ._/-]{1,80}");

  private static String required(String field, String value, int max) {
    if (value == null
        || value.isBlank()
        || value.strip().length() > max
        || TextRules.problem(value) != null) {
      throw ApiProblem.unprocessable(field, "required: 1 to " + max + " printable characters");
    }
    return value.strip();
  }

  private static String match(String field, String value, Pattern pattern, String what) {
    String v = value == null ? "" : value.strip();
    if (!pattern.matcher(v).matches()) {
      throw ApiProblem.unprocessable(field, "give " + what);
    }
    return v;
  }

  private static String optional(String field, String value, Pattern pattern, String what) {
    return value == null || value.isBlank() ? null : match(field, value, pattern, what);
  }

  /** A delimiter inside one of the envelope ids would cut it in two: refused. */
  private static void requireApart(Delimiters d, String field, String id) {
    for (String delimiter : List.of(d.element(), d.component(), d.segment(), d.repetition())) {
      if (id != null && !delimiter.equals(NEWLINE) && id.contains(delimiter)) {
        throw ApiProblem.unprocessable(
            "delimiters",
            "'"
                + delimiter
                + "' is in "
                + field
                + " '"
                + id
                + "'; choose delimiters that no id uses");
      }
    }
  }

  /** One printable ASCII character each, all different, none a letter, digit or space. */
  private static Delimiters delimiters(Delimiters d) {
    if (d == null) {
      return Delimiters.DEFAULT;
    }
    List<String> given = new ArrayList<>();
    String[] names = {"element", "component", "segment", "repetition"};
    String[] values = {d.element(), d.component(), d.segment(), d.repetition()};
    String[] defaults = {"*", ">", "~", "^"};
    for (int i = 0; i < values.length; i++) {
      String v = values[i] == null ? defaults[i] : values[i];
      // A newline cannot travel in a JSON request here (control characters are refused): it is
      // named.
      boolean newline = v.equals(NEWLINE) && names[i].equals("segment");
      char c = v.isEmpty() ? 'a' : v.charAt(0);
      if (!newline && (v.length() != 1 || c < 0x21 || c > 0x7e || Character.isLetterOrDigit(c))) {
        throw ApiProblem.unprocessable(
            "delimiters." + names[i],
            "one printable ASCII character that is not a letter, digit or space"
                + (names[i].equals("segment") ? " (or \"newline\")" : ""));
      }
      if (given.contains(v)) {
        throw ApiProblem.unprocessable(
            "delimiters." + names[i], "each delimiter must differ from the others");
      }
      given.add(v);
    }
    return new Delimiters(given.get(0), given.get(1), given.get(2), given.get(3));
  }
}
