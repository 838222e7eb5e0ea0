package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Unit: a configured server secret must be long enough to be one. */
class SecretsTest {

  @Test
  void a_short_configured_secret_is_refused_at_start_up() {
    assertThatThrownBy(
            () -> new Secrets(new Secrets.Properties("too-short"), null, new MockEnvironment()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ORDERLOOP_SECRETS_KEY must be at least 32 characters");
  }
}
