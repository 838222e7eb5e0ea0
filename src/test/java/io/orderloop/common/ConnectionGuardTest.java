package io.orderloop.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Unit: which client a connection counts against. */
class ConnectionGuardTest {

  @Test
  void ipv4_addresses_count_alone_and_ipv6_addresses_by_their_64_bit_prefix() throws Exception {
    assertThat(ConnectionGuard.Connections.client(InetAddress.getByName("203.0.113.7")))
        .isEqualTo("203.0.113.7");
    String a = ConnectionGuard.Connections.client(InetAddress.getByName("2001:db8:1:2::1"));
    String b =
        ConnectionGuard.Connections.client(InetAddress.getByName("2001:db8:1:2:ffff:ee:dd:cc"));
    String other = ConnectionGuard.Connections.client(InetAddress.getByName("2001:db8:1:3::1"));
    assertThat(a).as("one subscriber's /64 is one client").isEqualTo(b).isNotEqualTo(other);
  }
}
