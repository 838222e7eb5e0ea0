package io.orderloop.events;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which network addresses a webhook may reach. Public addresses always; loopback and private ones
 * (RFC 1918, carrier-grade NAT, IPv6 unique-local) only with {@code
 * orderloop.webhooks.allow-private-targets}; link-local, cloud metadata, unspecified, multicast and
 * reserved addresses never. The same rule runs when a subscription is saved and on every delivery,
 * against the addresses the delivery actually connects to (see {@link WebhookClient}).
 */
@Component
class WebhookTargets {

  /** What an address is, for the purpose of deciding whether a webhook may reach it. */
  enum Kind {
    PUBLIC("a public address"),
    LOOPBACK("a loopback address"),
    PRIVATE("a private network address"),
    LINK_LOCAL("a link-local address"),
    METADATA("a cloud metadata address"),
    UNSPECIFIED("an unspecified address"),
    MULTICAST("a multicast or broadcast address"),
    RESERVED("a reserved or documentation address");

    final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  /** Host names that only ever mean an instance metadata service. */
  private static final Set<String> METADATA_HOSTS =
      Set.of(
          "metadata",
          "metadata.google.internal",
          "metadata.goog",
          "instance-data",
          "instance-data.ec2.internal");

  /** Metadata services that live outside link-local space (or that deserve naming anyway). */
  private static final Set<String> METADATA_ADDRESSES =
      Set.of(
          "169.254.169.254", // AWS, GCP, Azure, OpenStack, DigitalOcean, ...
          "169.254.170.2", // AWS ECS task metadata
          "169.254.169.253", // AWS VPC DNS
          "100.100.100.200", // Alibaba Cloud
          "168.63.129.16", // Azure WireServer (a public address)
          "192.0.0.192", // Oracle Cloud (legacy)
          "fd00:ec2:0:0:0:0:0:254"); // AWS over IPv6

  private final boolean allowPrivate;

  @Autowired
  WebhookTargets(WebhookProperties properties) {
    this(properties.allowPrivateTargets());
  }

  WebhookTargets(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** Whether a delivery may connect to this address. */
  boolean allowed(InetAddress address) {
    Kind kind = classify(address);
    return kind == Kind.PUBLIC || (allowPrivate && (kind == Kind.LOOPBACK || kind == Kind.PRIVATE));
  }

  static boolean metadataHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return METADATA_HOSTS.contains(h);
  }

  /**
   * Why a host may not be a target, or null when every address it resolves to is allowed. A host
   * that resolves to one refused address is refused as a whole: a name that answers a public and a
   * private address would otherwise reach the private one on some deliveries.
   */
  String refusal(String host, InetAddress[] addresses) {
    if (metadataHost(host)) {
      return host + " is a cloud metadata host";
    }
    for (InetAddress address : addresses) {
      if (!allowed(address)) {
        Kind kind = classify(address);
        String why = host + " resolves to " + kind.description;
        return kind == Kind.LOOPBACK || kind == Kind.PRIVATE
            ? why
                + "; webhooks reach only public addresses unless"
                + " ORDERLOOP_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true (for development and tests)"
            : why + ", which webhooks never reach";
      }
    }
    return null;
  }

  /** Classifies an address; IPv6 forms that embed an IPv4 address are judged by that address. */
  static Kind classify(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return classify4(b);
    }
    if (!(address instanceof Inet6Address)) {
      return Kind.RESERVED;
    }
    if (METADATA_ADDRESSES.contains(address.getHostAddress().replaceAll("%.*$", ""))) {
      return Kind.METADATA;
    }
    if (address.isAnyLocalAddress()) {
      return Kind.UNSPECIFIED;
    }
    if (address.isLoopbackAddress()) {
      return Kind.LOOPBACK;
    }
    if (prefixZero(b, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return classify4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:a.b.c.d, IPv4-mapped
    }
    if (prefixZero(b, 12)) {
      return Kind.RESERVED; // ::a.b.c.d, IPv4-compatible (deprecated)
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return classify4(Arrays.copyOfRange(b, 12, 16)); // 64:ff9b::/96, NAT64
    }
    if (first == 0x20 && second == 0x02) {
      return classify4(Arrays.copyOfRange(b, 2, 6)); // 2002::/16, 6to4
    }
    if (first == 0xfe && (second & 0xc0) == 0x80) {
      return Kind.LINK_LOCAL; // fe80::/10
    }
    if (first == 0xfe && (second & 0xc0) == 0xc0) {
      return Kind.PRIVATE; // fec0::/10, site-local (deprecated)
    }
    if ((first & 0xfe) == 0xfc) {
      return Kind.PRIVATE; // fc00::/7, unique-local
    }
    if (first == 0xff) {
      return Kind.MULTICAST;
    }
    if (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return Kind.RESERVED; // 2001:db8::/32, documentation
    }
    if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
      return Kind.RESERVED; // 2001::/32, Teredo (hides an IPv4 address)
    }
    if (first == 0x01 && second == 0x00 && prefixZero(Arrays.copyOfRange(b, 2, 8), 6)) {
      return Kind.RESERVED; // 100::/64, discard
    }
    if ((first & 0xe0) != 0x20) {
      return Kind.RESERVED; // outside 2000::/3, global unicast
    }
    return Kind.PUBLIC;
  }

  private static Kind classify4(byte[] b) {
    int a = b[0] & 0xff;
    int c = b[1] & 0xff;
    String text = a + "." + c + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    if (METADATA_ADDRESSES.contains(text)) {
      return Kind.METADATA;
    }
    if (a == 0) {
      return Kind.UNSPECIFIED; // 0.0.0.0/8, "this network"
    }
    if (a == 127) {
      return Kind.LOOPBACK;
    }
    if (a == 10 || (a == 172 && (c & 0xf0) == 16) || (a == 192 && c == 168)) {
      return Kind.PRIVATE;
    }
    if (a == 100 && (c & 0xc0) == 64) {
      return Kind.PRIVATE; // 100.64.0.0/10, carrier-grade NAT
    }
    if (a == 169 && c == 254) {
      return Kind.LINK_LOCAL;
    }
    if (a >= 224 && a <= 239) {
      return Kind.MULTICAST;
    }
    if (a >= 240) {
      return a == 255 && c == 255 ? Kind.MULTICAST : Kind.RESERVED; // incl. 255.255.255.255
    }
    if ((a == 192 && c == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24, protocol assignments
        || (a == 192 && c == 0 && (b[2] & 0xff) == 2) // 192.0.2.0/24, documentation
        || (a == 198 && (c & 0xfe) == 18) // 198.18.0.0/15, benchmarking
        || (a == 198 && c == 51 && (b[2] & 0xff) == 100) // 198.51.100.0/24, documentation
        || (a == 203 && c == 0 && (b[2] & 0xff) == 113)) { // 203.0.113.0/24, documentation
      return Kind.RESERVED;
    }
    return Kind.PUBLIC;
  }

  private static boolean prefixZero(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Resolves a host and applies the rule, for a subscription being saved. */
  String refusal(String host, Resolver resolver) {
    if (metadataHost(host)) {
      return host + " is a cloud metadata host";
    }
    try {
      return refusal(host, resolver.resolve(host));
    } catch (UnknownHostException e) {
      return "cannot resolve host " + host;
    }
  }

  /** Name resolution, replaceable in tests (rebinding is tested with a resolver that lies). */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = InetAddress::getAllByName;
  }
}
