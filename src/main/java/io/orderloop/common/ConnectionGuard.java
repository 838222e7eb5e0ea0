package io.orderloop.common;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Keeps slow or greedy clients from starving the others (slowloris and friends). Tomcat bounds each
 * read but not a whole request, and has no per-client limit; this adds both:
 *
 * <ul>
 *   <li>at most {@code orderloop.http.max-connections-per-address} open connections per client
 *       address (per /64 for IPv6): further ones are closed as they are accepted, before a byte is
 *       read;
 *   <li>a request's line and headers must arrive within {@code orderloop.http.header-timeout} of
 *       the connection's accept or its previous response: a reaper closes connections that trickle
 *       headers (or sit idle) longer. Requests being served, and async ones, are not timed here.
 * </ul>
 *
 * The body has its own deadline ({@link RequestSizeLimitFilter}). The address is the TCP peer's,
 * never a forwarded header: behind a proxy, the proxy enforces its own limits.
 */
@Configuration(proxyBeanMethods = false)
class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> guardedConnections(
      HttpProperties properties) {
    return new Customizer(properties);
  }

  static final class Customizer
      implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
    private final HttpProperties properties;

    Customizer(HttpProperties properties) {
      this.properties = properties;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
      Connections connections =
          new Connections(properties.maxConnectionsPerAddress(), properties.headerTimeout());
      factory.setProtocol(GuardedProtocol.class.getName());
      factory.addProtocolHandlerCustomizers(
          handler -> {
            if (handler instanceof GuardedProtocol guarded) {
              guarded.endpoint.connections = connections;
              // Tomcat's own per-read limits: no read may wait longer than the header deadline.
              guarded.setConnectionTimeout((int) properties.headerTimeout().toMillis());
              guarded.setKeepAliveTimeout((int) properties.headerTimeout().toMillis());
            }
          });
      factory.addEngineValves(new RequestPhases(connections));
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE; // our valve first, before any that rewrite the address
    }
  }

  /**
   * Open connections: per client (an IPv4 address, or an IPv6 /64, what one subscriber usually
   * gets) the set of its channels, and per peer (address and port) when it started waiting for a
   * request.
   */
  static final class Connections {
    private final int perClient;
    private final long headerNanos;
    private final ConcurrentHashMap<String, Set<SocketChannel>> byClient =
        new ConcurrentHashMap<>();
    private final Map<String, Tracked> byPeer = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;

    /** One open connection; {@code waitingSince} is 0 while a request is being served. */
    static final class Tracked {
      final SocketChannel channel;
      volatile long waitingSince;

      Tracked(SocketChannel channel, long now) {
        this.channel = channel;
        this.waitingSince = now;
      }
    }

    Connections(int perClient, Duration headerTimeout) {
      this.perClient = perClient;
      this.headerNanos = headerTimeout.toNanos();
      this.reaper =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("connection-reaper").factory());
      reaper.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
    }

    /** The client a peer address counts against: itself for IPv4, its /64 for IPv6. */
    static String client(InetAddress address) {
      if (address instanceof Inet6Address) {
        byte[] b = address.getAddress();
        return HexFormat.of().formatHex(b, 0, 8) + "::/64";
      }
      return address.getHostAddress();
    }

    /**
     * Whether a just-accepted connection may stay; registers it if so. The client's closed channels
     * are forgotten first, so the count is exact at every accept.
     */
    boolean admit(SocketChannel channel) {
      InetSocketAddress peer;
      try {
        peer = (InetSocketAddress) channel.getRemoteAddress();
      } catch (IOException | ClassCastException e) {
        return true; // not an IP socket (a Unix socket, say): nothing to count by
      }
      if (peer == null) {
        return true;
      }
      boolean[] admitted = {false};
      byClient.compute(
          client(peer.getAddress()),
          (c, channels) -> {
            Set<SocketChannel> set = channels != null ? channels : new HashSet<>();
            set.removeIf(ch -> !ch.isOpen());
            if (perClient <= 0 || set.size() < perClient) {
              set.add(channel);
              admitted[0] = true;
            }
            return set.isEmpty() ? null : set;
          });
      if (admitted[0]) {
        byPeer.put(
            peerKey(peer.getAddress().getHostAddress(), peer.getPort()),
            new Tracked(channel, System.nanoTime()));
      }
      return admitted[0];
    }

    private static String peerKey(String address, int port) {
      return address + "|" + port;
    }

    void serving(String address, int port) {
      Tracked t = byPeer.get(peerKey(address, port));
      if (t != null) {
        t.waitingSince = 0;
      }
    }

    void waiting(String address, int port) {
      Tracked t = byPeer.get(peerKey(address, port));
      if (t != null) {
        t.waitingSince = System.nanoTime();
      }
    }

    /** Forgets closed connections and closes the input of those past the header deadline. */
    void reap() {
      try {
        long now = System.nanoTime();
        for (String client : List.copyOf(byClient.keySet())) {
          byClient.computeIfPresent(
              client,
              (c, channels) -> {
                channels.removeIf(ch -> !ch.isOpen());
                return channels.isEmpty() ? null : channels;
              });
        }
        byPeer
            .entrySet()
            .removeIf(
                e -> {
                  Tracked t = e.getValue();
                  if (!t.channel.isOpen()) {
                    return true;
                  }
                  long since = t.waitingSince;
                  if (since != 0 && now - since > headerNanos) {
                    try {
                      // Tomcat reads end-of-stream and closes the connection in its usual way.
                      t.channel.shutdownInput();
                    } catch (IOException ignored) {
                      // already going
                    }
                  }
                  return false;
                });
      } catch (RuntimeException e) {
        log.warn("connection reaper: {}", e.toString());
      }
    }

    void close() {
      reaper.shutdownNow();
    }
  }

  /** Tomcat's NIO protocol with an endpoint that admits connections through {@link Connections}. */
  public static class GuardedProtocol extends Http11NioProtocol {
    final GuardedEndpoint endpoint;

    public GuardedProtocol() {
      this(new GuardedEndpoint());
    }

    private GuardedProtocol(GuardedEndpoint endpoint) {
      super(endpoint);
      this.endpoint = endpoint;
    }

    @Override
    public void destroy() throws Exception {
      try {
        super.destroy();
      } finally {
        if (endpoint.connections != null) {
          endpoint.connections.close();
        }
      }
    }
  }

  static class GuardedEndpoint extends NioEndpoint {
    volatile Connections connections;

    @Override
    protected boolean setSocketOptions(SocketChannel socket) {
      Connections c = connections;
      if (c != null && !c.admit(socket)) {
        destroySocket(socket); // counts the connection down and closes it, before any read
        return false;
      }
      return super.setSocketOptions(socket);
    }
  }

  /** Marks a connection as serving while a request runs through the application. */
  static final class RequestPhases extends ValveBase {
    private final Connections connections;

    RequestPhases(Connections connections) {
      super(true);
      this.connections = connections;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
      String address = request.getRemoteAddr();
      int port = request.getRemotePort();
      connections.serving(address, port);
      try {
        getNext().invoke(request, response);
      } finally {
        if (!request.isAsyncStarted()) {
          connections.waiting(address, port);
        }
      }
    }
  }
}
