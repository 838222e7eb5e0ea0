package io.orderloop.common;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The server secret: the one key from which the keys for API-key hashes (and, with channels, the
 * encryption of stored credentials) are derived, each purpose its own HMAC-SHA256 derivation.
 *
 * <p>It comes from {@code ORDERLOOP_SECRETS_KEY} ({@code orderloop.secrets.key}, at least 32
 * characters; shorter is refused at start-up). Unset, a random 256-bit secret is generated once and
 * kept in the database ({@code server_secrets}), so every instance uses the same one and the
 * embedded default needs no setting — but then a copy of the database holds the secret too, and the
 * protection it adds against a stolen database is gone; the service says so at every start
 * (docs/security.md). Setting the key later is seamless: hashes made under the generated secret are
 * still recognised and re-made under the configured one as each key is next used.
 */
@Component
public class Secrets {

  private static final Logger log = LoggerFactory.getLogger(Secrets.class);
  private static final String GENERATED = "generated-server-secret";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * @param key the server secret ({@code orderloop.secrets.key}, env {@code
   *     ORDERLOOP_SECRETS_KEY}); at least 32 characters of a random value; unset, one is generated
   *     and kept in the database
   */
  @ConfigurationProperties("orderloop.secrets")
  public record Properties(String key) {}

  private final JdbcClient jdbc;
  private final byte[] configured;
  private final boolean embeddedDatabase;
  private volatile Keys keys;

  private record Keys(
      byte[] current,
      byte[] generatedFallback,
      java.util.concurrent.ConcurrentHashMap<String, byte[]> derived) {

    Keys(byte[] current, byte[] generatedFallback) {
      this(current, generatedFallback, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /** The key for {@code purpose} under the current secret, derived once. */
    byte[] current(String purpose) {
      return derived.computeIfAbsent(purpose, p -> derive(current, p));
    }
  }

  Secrets(Properties properties, JdbcClient jdbc, org.springframework.core.env.Environment env) {
    this.jdbc = jdbc;
    String key = properties.key();
    if (key != null && !key.isBlank()) {
      if (key.strip().length() < 32) {
        throw new IllegalStateException(
            "ORDERLOOP_SECRETS_KEY must be at least 32 characters of a random value (for example"
                + " the output of 'openssl rand -base64 32'); it is "
                + key.strip().length());
      }
      this.configured = key.strip().getBytes(StandardCharsets.UTF_8);
    } else {
      this.configured = null;
    }
    this.embeddedDatabase = env.getProperty("spring.datasource.url", "").isBlank();
  }

  /** HMAC-SHA256 of {@code data} under the key for {@code purpose}, hex. */
  public String mac(String purpose, String data) {
    return hmac(keys().current(purpose), data);
  }

  /**
   * The MACs {@code data} may be stored under: the current one first, then the one under the
   * generated secret when a configured secret has replaced it.
   */
  public List<String> acceptedMacs(String purpose, String data) {
    Keys k = keys();
    List<String> macs = new ArrayList<>(2);
    macs.add(hmac(k.current(purpose), data));
    if (k.generatedFallback() != null) {
      macs.add(hmac(derive(k.generatedFallback(), purpose), data));
    }
    return macs;
  }

  /**
   * {@code plaintext} encrypted for storage with AES-256-GCM under the key for {@code purpose}. The
   * purpose and {@code context} (the row it belongs to, e.g. a shop's domain) are authenticated
   * too, so a stored value cannot be moved to another use or another row: {@code v1:} +
   * base64(nonce ‖ ciphertext ‖ tag), with a fresh random 96-bit nonce each time.
   */
  public String encrypt(String purpose, String context, String plaintext) {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(keys().current("encryption/" + purpose), "AES"),
          new GCMParameterSpec(128, nonce));
      cipher.updateAAD(aad(purpose, context));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return "v1:" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A value opened: the plaintext, and whether it was sealed under the generated secret a
   * configured one has since replaced — then the caller should store {@link #encrypt} of it again,
   * so that a copy of the database no longer opens it.
   */
  public record Opened(String value, boolean stale) {}

  /**
   * Opens a value {@link #encrypt} made for {@code purpose} and {@code context}. Throws {@link
   * IllegalStateException} for anything else: a value from another row or use, a tampered one, or
   * one sealed under a secret that is gone (the credential must then be entered again).
   */
  public Opened decrypt(String purpose, String context, String stored) {
    byte[] in;
    try {
      in =
          stored == null || !stored.startsWith("v1:")
              ? null
              : Base64.getDecoder().decode(stored.substring(3));
    } catch (IllegalArgumentException e) {
      in = null;
    }
    if (in == null || in.length < 12 + 16) {
      throw new IllegalStateException("not a value this service encrypted");
    }
    Keys k = keys();
    List<byte[]> candidates = new ArrayList<>();
    candidates.add(k.current("encryption/" + purpose));
    if (k.generatedFallback() != null) {
      candidates.add(derive(k.generatedFallback(), "encryption/" + purpose));
    }
    for (int i = 0; i < candidates.size(); i++) {
      try {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
            Cipher.DECRYPT_MODE,
            new SecretKeySpec(candidates.get(i), "AES"),
            new GCMParameterSpec(128, in, 0, 12));
        cipher.updateAAD(aad(purpose, context));
        String value = new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        return new Opened(value, i > 0);
      } catch (javax.crypto.AEADBadTagException wrongKeyOrRow) {
        // try the next key
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "a stored credential cannot be decrypted for this row with the server secret (was"
            + " ORDERLOOP_SECRETS_KEY changed?); enter it again");
  }

  private static byte[] aad(String purpose, String context) {
    return (purpose + '\0' + (context == null ? "" : context)).getBytes(StandardCharsets.UTF_8);
  }

  private Keys keys() {
    Keys k = keys;
    if (k == null) {
      synchronized (this) {
        k = keys;
        if (k == null) {
          k = load();
          keys = k;
        }
      }
    }
    return k;
  }

  private Keys load() {
    byte[] stored = storedSecret(configured == null);
    if (configured != null) {
      return new Keys(configured, stored);
    }
    if (embeddedDatabase) {
      log.info(
          "ORDERLOOP_SECRETS_KEY is not set: using a server secret generated and kept in the"
              + " embedded database (fine for trying Orderloop; set it for real use)");
    } else {
      log.warn(
          "ORDERLOOP_SECRETS_KEY is not set: API-key hashes and stored channel credentials are"
              + " keyed with a secret generated and kept in the database itself, so a copy of the"
              + " database is enough to open the credentials and to test guesses of human-chosen"
              + " keys. Set ORDERLOOP_SECRETS_KEY (32+ random characters) on every instance; see"
              + " docs/security.md");
    }
    return new Keys(stored, null);
  }

  /** The generated secret, created (once, by whichever instance is first) when asked to. */
  private byte[] storedSecret(boolean create) {
    if (create) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      jdbc.sql(
              "INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
          .params(GENERATED, fresh)
          .update();
    }
    return jdbc.sql("SELECT value FROM server_secrets WHERE name = ?")
        .param(GENERATED)
        .query(byte[].class)
        .optional()
        .orElse(null);
  }

  private static byte[] derive(byte[] secret, String purpose) {
    return HexFormat.of().parseHex(hmac(secret, "orderloop/" + purpose));
  }

  private static String hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
