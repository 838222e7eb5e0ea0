package io.orderloop.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Unit: webhook signatures reproduce the Standard Webhooks specification's published test vector,
 * so any receiver's Standard Webhooks library accepts what we send.
 */
class WebhookSignatureTest {

  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TIMESTAMP = 1614265330;
  static final String BODY = "{\"test\": 2432232314}";
  static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void our_signature_of_the_published_vector_is_the_published_signature() {
    assertThat("v1," + WebhookDispatcher.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
  }

  @Test
  void the_test_receiver_verifies_the_published_vector_too() {
    assertThat(
            io.orderloop.WebhookReceiver.verifies(
                SECRET, ID, String.valueOf(TIMESTAMP), BODY, SIGNATURE))
        .isTrue();
    assertThat(
            io.orderloop.WebhookReceiver.verifies(
                SECRET, ID, String.valueOf(TIMESTAMP + 1), BODY, SIGNATURE))
        .isFalse();
  }
}
