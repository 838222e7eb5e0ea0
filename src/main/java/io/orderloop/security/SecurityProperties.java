package io.orderloop.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Security settings.
 *
 * @param bootstrapApiKey an API key created at start-up with scope {@code admin} if it does not
 *     exist yet ({@code orderloop.security.bootstrap-api-key}, env {@code
 *     ORDERLOOP_BOOTSTRAP_API_KEY}); at least 16 characters
 * @param bootstrapApiKeyName the name recorded for that key, shown as the actor in history ({@code
 *     orderloop.security.bootstrap-api-key-name}, default {@code bootstrap})
 * @param keyCacheTtl how long an instance remembers a valid key before asking the database again
 *     ({@code orderloop.security.key-cache-ttl}, default 5 s; zero turns the cache off). A key
 *     revoked on one instance stops working there at once and on the others within this time.
 * @param errorBudget how many refused requests a client may send before it is slowed down ({@code
 *     orderloop.security.error-budget.*})
 */
@ConfigurationProperties("orderloop.security")
public record SecurityProperties(
    String bootstrapApiKey,
    @DefaultValue("bootstrap") String bootstrapApiKeyName,
    @DefaultValue("PT5S") java.time.Duration keyCacheTtl,
    @DefaultValue ErrorBudget errorBudget) {

  /**
   * @param burst refused requests (400, 401, 403, 404, 405, 413, 415, 422, …) a client may send at
   *     once (default 200; 0 turns the budget off)
   * @param perSecond how fast the budget comes back (default 20 a second)
   * @param penalty how long a request from a client over budget waits before its 429 (default 1 s)
   */
  public record ErrorBudget(
      @DefaultValue("50") int burst,
      @DefaultValue("5") double perSecond,
      @DefaultValue("PT1S") java.time.Duration penalty) {}
}
