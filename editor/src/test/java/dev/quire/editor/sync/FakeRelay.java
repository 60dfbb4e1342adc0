package dev.quire.editor.sync;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A scripted relay that misbehaves on purpose: each client message is answered with whatever raw
 * texts the script returns (valid messages or not), and every message is recorded.
 */
final class FakeRelay extends WebSocketServer {
  /** A script answer that closes the connection with 1009 instead of sending anything. */
  static final String CLOSE_TOO_BIG = "\u0000close 1009";

  final List<ClientMessage> received = new CopyOnWriteArrayList<>();
  final List<String> connections = new CopyOnWriteArrayList<>();
  private final BiFunction<ClientMessage, Integer, List<String>> script;
  private final CountDownLatch started = new CountDownLatch(1);

  /** {@code script} gets each message and the connection's number (from 1). */
  FakeRelay(BiFunction<ClientMessage, Integer, List<String>> script) {
    super(new InetSocketAddress("127.0.0.1", 0));
    this.script = script;
    setReuseAddr(true);
  }

  static FakeRelay begin(BiFunction<ClientMessage, Integer, List<String>> script)
      throws InterruptedException {
    FakeRelay r = new FakeRelay(script);
    r.start();
    if (!r.started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("fake relay did not start");
    }
    return r;
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + getPort() + "/");
  }

  static String encode(ServerMessage m) {
    return ProtocolCodec.encode(m);
  }

  long count(Class<? extends ClientMessage> type) {
    return received.stream().filter(type::isInstance).count();
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    connections.add(String.valueOf(connections.size() + 1));
    conn.setAttachment(connections.size());
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    ClientMessage m = ProtocolCodec.decodeClient(message);
    received.add(m);
    for (String out : script.apply(m, conn.<Integer>getAttachment())) {
      if (out.equals(CLOSE_TOO_BIG)) {
        conn.close(1009, "MESSAGE_TOO_LARGE: message over the limit");
      } else {
        conn.send(out);
      }
    }
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

  @Override
  public void onError(WebSocket conn, Exception ex) {}

  @Override
  public void onStart() {
    started.countDown();
  }

  void shutDown() throws InterruptedException {
    stop(1000);
  }
}
