package dev.quire.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
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
    setWebSocketFactory(new UntracedConnection.Factory());
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
      // before the WebSocket opens, with 401. hello must still carry a token of the same user.
      Optional<String> user = bearerToken(auth).flatMap(t -> ctx.store().users().authenticate(t));
      if (user.isEmpty()) {
        builder.setHttpStatus(BroadcastDraft.UNAUTHORIZED);
        builder.setHttpStatusMessage("Unauthorized");
        conn.setAttachment(Refused.INSTANCE);
      } else {
        conn.setAttachment(new Upgraded(user.get()));
      }
    }
    return builder;
  }

  /** The token of an {@code Authorization: Bearer TOKEN} header; the scheme in any case. */
  static Optional<String> bearerToken(String authorization) {
    String[] parts = authorization.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isBlank()) {
      return Optional.empty();
    }
    return Optional.of(parts[1].trim());
  }

  /** Attached to a connection whose upgrade was refused: it is closed as soon as it opens. */
  private enum Refused {
    INSTANCE
  }

  /** Attached between the upgrade and {@link #onOpen}: the user of the upgrade's bearer token. */
  private record Upgraded(String user) {}

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    Object attached = conn.getAttachment();
    if (attached == Refused.INSTANCE) {
      // The 401 response is written; close once it is flushed, without a WebSocket close frame.
      conn.setAttachment(null);
      ((WebSocketImpl) conn).flushAndClose(CloseFrame.POLICY_VALIDATION, "UNAUTHORIZED", false);
      return;
    }
    String upgradeUser = attached instanceof Upgraded u ? u.user() : null;
    Session s =
        new Session(
            conn,
            "s" + sessionIds.incrementAndGet(),
            ctx.config(),
            ctx.metrics(),
            upgradeUser,
            ctx.timer());
    conn.setAttachment(s);
    dispatcher.opened(s);
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    if (conn.getAttachment() instanceof Session s) {
      dispatcher.received(s, message);
    }
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    if (conn.getAttachment() instanceof Session s) {
      s.error(
          dev.quire.ot.protocol.ErrorCode.MALFORMED,
          "binary messages are not part of the protocol; send JSON text",
          dev.quire.ot.protocol.RequestHeader.NONE);
    }
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    if (conn.getAttachment() instanceof Session s) {
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
            .map(c -> c.getAttachment() instanceof Session s ? s : null)
            .filter(java.util.Objects::nonNull)
            .iterator();
  }
}
