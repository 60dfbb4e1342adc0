package dev.quire.editor.sync;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Request;
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
 * texts the script returns (valid messages or not), and every message is recorded. A script's
 * message of any type but the live ones ({@code sequenced}, {@code presence}, {@code leave}) that
 * names no request id is sent as the answer to the request it was scripted for.
 */
final class FakeRelay extends WebSocketServer {
  /** A script answer that closes the connection with 1009 instead of sending anything. */
  static final String CLOSE_TOO_BIG = "\u0000close 1009";

  final List<ClientMessage> received = new CopyOnWriteArrayList<>();
  final List<String> connections = new CopyOnWriteArrayList<>();
  private final BiFunction<ClientMessage, Integer, List<String>> script;
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile String currentId;

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

  /** The id of the request being answered, while the script runs. */
  String currentId() {
    return currentId;
  }

  /** {@code json} (a message without an id) as the answer to the request {@code id}. */
  static String withId(String json, String id) {
    int end = json.indexOf('"', "{\"type\":\"".length()) + 1;
    return json.substring(0, end) + ",\"id\":\"" + id + "\"" + json.substring(end);
  }

  private static String answering(String out, String id) {
    for (String type :
        List.of(
            "history",
            "created",
            "documents",
            "renamed",
            "deleted",
            "shared",
            "snapshot",
            "ack",
            "unsubscribed",
            "error",
            "welcome")) {
      if (out.startsWith("{\"type\":\"" + type + "\",")
          && !out.startsWith("{\"type\":\"" + type + "\",\"id\"")) {
        return withId(out, id);
      }
    }
    return out;
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
    Request r = ProtocolCodec.decodeRequest(message);
    ClientMessage m = r.message();
    received.add(m);
    currentId = r.id();
    for (String out : script.apply(m, conn.<Integer>getAttachment())) {
      if (out.equals(CLOSE_TOO_BIG)) {
        conn.close(1009, "MESSAGE_TOO_LARGE: message over the limit");
      } else {
        conn.send(answering(out, r.id()));
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
