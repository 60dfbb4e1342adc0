package dev.quire.relay.faults;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A logged-in connection to a relay process that sends one request at a time and waits for its
 * answer: for changes that are not edits (create, rename, share, delete) and for reading them back.
 */
final class RequestClient extends WebSocketClient {
  private static final long WAIT_SECONDS = 10;

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private volatile String closedBecause;
  private int requests; // request ids: one request at a time, from the test's thread

  private RequestClient(int port) {
    super(URI.create("ws://127.0.0.1:" + port + "/"));
  }

  /** Connects and says hello; the welcome (which binds {@code clientId} to the user) is awaited. */
  static RequestClient login(int port, String token, String clientId) throws InterruptedException {
    RequestClient c = connect(port);
    ServerMessage answer = c.hello(token, clientId);
    if (!(answer instanceof ServerMessage.Welcome)) {
      c.close();
      throw new AssertionError("expected a welcome, got " + answer);
    }
    return c;
  }

  /** Connects without saying anything. */
  static RequestClient connect(int port) throws InterruptedException {
    RequestClient c = new RequestClient(port);
    if (!c.connectBlocking(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("cannot connect to the relay on port " + port);
    }
    return c;
  }

  /** Says hello and returns the answer: a welcome or an error. */
  ServerMessage hello(String token, String clientId) throws InterruptedException {
    return answer(
        new ClientMessage.Hello(ProtocolCodec.VERSION, token, clientId),
        ServerMessage.Welcome.class);
  }

  /** Sends {@code request} and returns the first answer of {@code type}; an error fails. */
  <T extends ServerMessage> T request(ClientMessage request, Class<T> type)
      throws InterruptedException {
    send(ProtocolCodec.encode("r" + ++requests, request));
    return await(type);
  }

  /**
   * Sends {@code request} and returns the answer: the first message of {@code type} or an error,
   * whichever comes first.
   */
  ServerMessage answer(ClientMessage request, Class<? extends ServerMessage> type)
      throws InterruptedException {
    send(ProtocolCodec.encode("r" + ++requests, request));
    return answerOf(type);
  }

  private <T extends ServerMessage> T await(Class<T> type) throws InterruptedException {
    ServerMessage m = answerOf(type);
    if (m instanceof ServerMessage.Error e) {
      throw new AssertionError("expected " + type.getSimpleName() + ", got " + e);
    }
    return type.cast(m);
  }

  private ServerMessage answerOf(Class<? extends ServerMessage> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String json = received.poll(100, TimeUnit.MILLISECONDS);
      if (json != null) {
        ServerMessage m = ProtocolCodec.decodeServer(json);
        if (type.isInstance(m) || m instanceof ServerMessage.Error) {
          return m;
        }
      } else if (closedBecause != null) {
        throw new AssertionError("connection closed: " + closedBecause);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT_SECONDS + " s");
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    received.add(message);
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closedBecause = code + " " + reason;
  }

  @Override
  public void onError(Exception ex) {}
}
