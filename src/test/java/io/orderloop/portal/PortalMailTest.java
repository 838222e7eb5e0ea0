package io.orderloop.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderloop.ApiTest;
import io.orderloop.common.ApiProblem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sign-in links by e-mail: with SMTP configured the link goes to the customer's mailbox, through a
 * real SMTP conversation (a minimal SMTP server on a local port stands in for the mail relay), and
 * is not handed back; without a base URL, mail is refused at start-up.
 */
class PortalMailTest extends ApiTest {

  /** Answers one SMTP session and keeps the message it was given. */
  private static CompletableFuture<String> smtpServer(ServerSocket server) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket s = server.accept()) {
            s.setSoTimeout(10_000);
            var in =
                new BufferedReader(
                    new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            StringBuilder message = new StringBuilder();
            write(out, "220 localhost ESMTP test");
            String line;
            boolean data = false;
            while ((line = in.readLine()) != null) {
              if (data) {
                if (line.equals(".")) {
                  data = false;
                  write(out, "250 queued");
                } else {
                  message.append(line).append('\n');
                }
              } else if (line.startsWith("EHLO") || line.startsWith("HELO")) {
                write(out, "250 localhost");
              } else if (line.startsWith("DATA")) {
                data = true;
                write(out, "354 end with .");
              } else if (line.startsWith("QUIT")) {
                write(out, "221 bye");
                break;
              } else {
                message.append(line).append('\n');
                write(out, "250 ok");
              }
            }
            return message.toString();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static void write(OutputStream out, String line) throws java.io.IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static ObjectProvider<JavaMailSender> mailer(int port) {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setHost("127.0.0.1");
    sender.setPort(port);
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("mail", sender);
    return beans.getBeanProvider(JavaMailSender.class);
  }

  @Test
  void with_smtp_the_link_goes_to_the_mailbox_and_not_back_to_the_issuer() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      CompletableFuture<String> received = smtpServer(server);
      PortalLinks links =
          new PortalLinks(
              jdbc,
              clock,
              new PortalProperties("https://orders.example.com", null, null, "shop@example.com"),
              mailer(server.getLocalPort()),
              8080);
      PortalLinks.IssuedLink issued = links.issue("Jo@Example.com", "ops@example.com");
      assertThat(issued.sent()).isTrue();
      assertThat(issued.url()).isNull();
      String mail = received.get(10, TimeUnit.SECONDS);
      assertThat(mail)
          .contains("RCPT TO:<jo@example.com>")
          .contains("https://orders.example.com/portal/sign-in?token=olp_");
      // The e-mailed link signs in, once.
      String token = mail.replaceAll("(?s).*token=(olp_[A-Za-z0-9_-]+).*", "$1");
      assertThat(links.redeem(token).email()).isEqualTo("jo@example.com");
      assertThatThrownBy(() -> links.redeem(token)).isInstanceOf(ApiProblem.class);
    }
  }

  @Test
  void mail_without_a_base_url_is_refused_at_start_up_and_a_dead_relay_is_a_502() throws Exception {
    assertThatThrownBy(
            () ->
                new PortalLinks(
                    jdbc, clock, new PortalProperties(null, null, null, null), mailer(25), 8080))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("orderloop.portal.base-url");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    PortalLinks links =
        new PortalLinks(
            jdbc,
            clock,
            new PortalProperties("https://orders.example.com", Duration.ofMinutes(5), null, null),
            mailer(closed),
            8080);
    assertThatThrownBy(() -> links.issue("jo@example.com", "ops"))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.status().value()).isEqualTo(502));
  }
}
