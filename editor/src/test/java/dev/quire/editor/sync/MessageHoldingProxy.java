package dev.quire.editor.sync;

import dev.quire.ot.protocol.ProtocolCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A WebSocket proxy in front of a real relay that passes every message on, in order, except the
 * relay's messages of one type while held: those wait until {@link #release}, which sends them on
 * in the order they came. Records the type of each client message, to count requests.
 */
final class MessageHoldingProxy extends WebSocketServer {
  private final URI upstream;
  private final CountDownLatch started = new CountDownLatch(1);
  final List<String> requestTypes = new CopyOnWriteArrayList<>();
  private final List<Runnable> heldMessages = new ArrayList<>();
  private String holding; // the type of relay message held, or null

  private MessageHoldingProxy(URI upstream) {
    super(new InetSocketAddress("127.0.0.1", 0));
    this.upstream = upstream;
    setReuseAddr(true);
  }

  static MessageHoldingProxy begin(URI upstream) throws InterruptedException {
    MessageHoldingProxy p = new MessageHoldingProxy(upstream);
    p.start();
    if (!p.started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("proxy did not start");
    }
    return p;
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + getPort() + "/");
  }

  /** From now on, the relay's messages of {@code type} wait until {@link #release}. */
  synchronized void hold(String type) {
    holding = type;
  }

  /** How many relay messages wait now. */
  synchronized int held() {
    return heldMessages.size();
  }

  /** Sends the held messages on, in order, and holds no more. */
  synchronized void release() {
    holding = null;
    heldMessages.forEach(Runnable::run);
    heldMessages.clear();
  }

  /** How many requests of {@code type} clients sent through this proxy. */
  long count(String type) {
    return requestTypes.stream().filter(type::equals).count();
  }

  private synchronized void fromRelay(WebSocket client, String text) {
    if (holding != null && text.startsWith("{\"type\":\"" + holding + "\"")) {
      heldMessages.add(() -> client.send(text));
    } else {
      client.send(text);
    }
  }

  @Override
  public void onOpen(WebSocket client, ClientHandshake handshake) {
    WebSocketClient relay =
        new WebSocketClient(upstream) {
          @Override
          public void onOpen(ServerHandshake h) {}

          @Override
          public void onMessage(String text) {
            fromRelay(client, text);
          }

          @Override
          public void onClose(int code, String reason, boolean remote) {
            client.close();
          }

          @Override
          public void onError(Exception e) {}
        };
    client.setAttachment(relay);
    try {
      if (!relay.connectBlocking(10, TimeUnit.SECONDS)) {
        client.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
    }
  }

  @Override
  public void onMessage(WebSocket client, String text) {
    requestTypes.add(ProtocolCodec.decodeRequest(text).message().type());
    client.<WebSocketClient>getAttachment().send(text);
  }

  @Override
  public void onClose(WebSocket client, int code, String reason, boolean remote) {
    WebSocketClient relay = client.getAttachment();
    if (relay != null) {
      relay.close();
    }
  }

  @Override
  public void onError(WebSocket client, Exception e) {}

  @Override
  public void onStart() {
    started.countDown();
  }

  void shutDown() throws InterruptedException {
    stop(1000);
  }
}
