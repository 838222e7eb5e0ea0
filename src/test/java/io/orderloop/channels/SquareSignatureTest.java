package io.orderloop.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Square's signature against the known-answer vectors of Square's own Java SDK tests: the
 * notification URL exactly as registered, followed by the raw body.
 */
class SquareSignatureTest {

  static final String Q1_KEY = "Ibxx_5AKakO-3qeNVR61Dw";
  static final String Q1_URL = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
  static final String Q1_SIGNATURE = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=";

  static byte[] body(String file) throws IOException {
    try (InputStream in =
        SquareSignatureTest.class.getResourceAsStream("/fixtures/square/" + file)) {
      return in.readAllBytes();
    }
  }

  @Test
  void the_sdk_vectors_verify_and_their_variants_do_not() throws IOException {
    byte[] q1 = body("signature-vector.square-java-sdk.test-notification.body.txt");
    assertThat(SquareWebhookController.verified(Q1_KEY, Q1_URL, q1, Q1_SIGNATURE)).isTrue();
    assertThat(
            SquareWebhookController.verified(
                "signature-key",
                "https://webhook.site/webhooks",
                body("signature-vector.square-java-sdk.escaped.body.txt"),
                "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="))
        .isTrue();
    // Q3: one character missing from the URL; Q4: another key; Q5: a SHA-1-length signature.
    assertThat(
            SquareWebhookController.verified(
                Q1_KEY,
                "https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9",
                q1,
                Q1_SIGNATURE))
        .isFalse();
    assertThat(SquareWebhookController.verified("MCmhFRxGX82xMwg5FsaoQA", Q1_URL, q1, Q1_SIGNATURE))
        .isFalse();
    assertThat(SquareWebhookController.verified(Q1_KEY, Q1_URL, q1, "1z2n3DEJJiUPKcPzQo1ftvbxGdw="))
        .isFalse();
    // Q6: the body changed; Q7: the same JSON re-formatted.
    String text = new String(q1, StandardCharsets.UTF_8);
    byte[] changed =
        text.replace("2022-07-13T20:30:59.037339943Z", "2022-06-13T20:30:59.037339943Z")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(SquareWebhookController.verified(Q1_KEY, Q1_URL, changed, Q1_SIGNATURE)).isFalse();
    byte[] pretty = text.replace(",", ",\n  ").getBytes(StandardCharsets.UTF_8);
    assertThat(SquareWebhookController.verified(Q1_KEY, Q1_URL, pretty, Q1_SIGNATURE)).isFalse();
  }
}
