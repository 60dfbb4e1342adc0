package dev.quire.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint. Java-WebSocket calls back on its worker threads (one connection is always
 * served by the same one); each callback hands straight over to the {@link Dispatcher}.
 */
final class RelayServer extends WebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

  private final RelayContext ctx;
  private final Dispatcher dispatcher;
  private final AtomicLong sessionIds = new AtomicLong();
  final CompletableFuture<Void> started = new CompletableFuture<>();

  RelayServer(RelayContext ctx, Dispatcher dispatcher) {
    super(
        new InetSocketAddress(ctx.config().bind(), ctx.config().port()),
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        List.<Draft>of(new BroadcastDraft(frameLimit(ctx.config()))));
    this.ctx = ctx;
    this.dispatcher = dispatcher;
    setReuseAddr(true);
    setTcpNoDelay(true);
  }

  /**
   * Frames up to twice the message limit are read and refused with a {@code MESSAGE_TOO_LARGE}
   * error; beyond that Java-WebSocket closes the connection (1009) without reading them.
   */
  static int frameLimit(RelayConfig config) {
    return (int) Math.min(Integer.MAX_VALUE, 2L * config.limits().maxMessageBytes() + 1024);
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(
      WebSocket conn, Draft draft, ClientHandshake request) throws InvalidDataException {
    ServerHandshakeBuilder builder =
        super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    String auth = request.getFieldValue("Authorization");
    if (!ctx.config().openMode() && auth != null && !auth.isEmpty()) {
      // Optional early check: a client that sends its token in the upgrade request is refused
      // before the WebSocket opens. hello must still carry the token.
      String token = auth.startsWith("Bearer ") ? auth.substring(7).trim() : "";
      if (token.isEmpty() || ctx.store().users().authenticate(token).isEmpty()) {
        throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "UNAUTHORIZED");
      }
    }
    return builder;
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    Session s = new Session(conn, "s" + sessionIds.incrementAndGet(), ctx.config(), ctx.metrics());
    conn.setAttachment(s);
    dispatcher.opened(s);
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    Session s = conn.getAttachment();
    if (s != null) {
      dispatcher.received(s, message);
    }
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    Session s = conn.getAttachment();
    if (s != null) {
      s.error(
          dev.quire.ot.protocol.ErrorCode.MALFORMED,
          "binary messages are not part of the protocol; send JSON text",
          null,
          null);
    }
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    Session s = conn.getAttachment();
    if (s != null) {
      log.debug("Session {} closed: {} {}", s.id(), code, reason);
      dispatcher.closed(s);
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      if (!started.isDone()) {
        started.completeExceptionally(ex);
      } else {
        log.error("WebSocket server failed", ex);
      }
    } else {
      log.debug("Connection error on {}: {}", conn.getAttachment(), ex.toString());
    }
  }

  @Override
  public void onStart() {
    setConnectionLostTimeout(60);
    started.complete(null);
  }

  /** The sessions of the open connections. */
  Iterable<Session> sessions() {
    return () ->
        getConnections().stream()
            .map(c -> (Session) c.getAttachment())
            .filter(java.util.Objects::nonNull)
            .iterator();
  }
}
