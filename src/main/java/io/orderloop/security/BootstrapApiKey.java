package io.orderloop.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/** Creates the admin key given in {@code ORDERLOOP_BOOTSTRAP_API_KEY} while the service starts. */
@Component
class BootstrapApiKey implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(BootstrapApiKey.class);

  private final ApiKeys apiKeys;
  private final SecurityProperties properties;

  BootstrapApiKey(ApiKeys apiKeys, SecurityProperties properties) {
    this.apiKeys = apiKeys;
    this.properties = properties;
  }

  @Override
  public void afterSingletonsInstantiated() {
    String key = properties.bootstrapApiKey();
    if (key == null || key.isBlank()) {
      log.info("No ORDERLOOP_BOOTSTRAP_API_KEY given: use an existing admin key to call the API");
      return;
    }
    apiKeys.ensureBootstrapKey(key.strip(), properties.bootstrapApiKeyName());
    log.info("Bootstrap admin API key is ready");
  }
}
