package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A WebSocket client for tests: records every message the relay sends, decoded strictly with the
 * protocol codec (so the relay's output is checked too), and how the connection closed.
 */
final class TestClient extends WebSocketClient {
  static final long WAIT_SECONDS = 10;

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  volatile int closeCode;
  volatile String closeReason;
  private String clientId; // as said in hello by login
  private int requests; // ids sent so far
  private volatile String lastId;

  TestClient(int port) {
    this(port, Map.of());
  }

  TestClient(int port, Map<String, String> headers) {
    super(URI.create("ws://127.0.0.1:" + port + "/"), headers);
  }

  /** Connects, or fails the test. */
  static TestClient connect(int port) throws InterruptedException {
    TestClient c = new TestClient(port);
    assertThat(c.connectBlocking(WAIT_SECONDS, TimeUnit.SECONDS)).as("connected").isTrue();
    return c;
  }

  /** Connects and says hello with {@code token}, expecting a welcome. */
  static TestClient login(int port, String token, String clientId) throws InterruptedException {
    TestClient c = connect(port);
    c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, token, clientId));
    c.expect(ServerMessage.Welcome.class);
    c.clientId = clientId;
    return c;
  }

  /** Sends {@code m} with the next request id ({@code t1}, {@code t2}...); returns the id. */
  String send(ClientMessage m) {
    String id = "t" + ++requests;
    lastId = id;
    send(ProtocolCodec.encode(id, m));
    return id;
  }

  /** The id of the latest request sent with {@link #send(ClientMessage)}. */
  String lastId() {
    return lastId;
  }

  /** The next message, decoded. */
  ServerMessage next() throws InterruptedException {
    return nextReply().message();
  }

  /** The next message with the request id it answers. */
  Reply nextReply() throws InterruptedException {
    String json = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (json == null) {
      // The relay runs in this JVM in most tests: what its threads do says why nothing came.
      System.err.println("No message within " + WAIT_SECONDS + " s; the threads:\n" + threadDump());
    }
    assertThat(json).as("a message from the relay within " + WAIT_SECONDS + " s").isNotNull();
    return ProtocolCodec.decodeReply(json);
  }

  private static String threadDump() {
    StringBuilder out = new StringBuilder();
    for (java.lang.management.ThreadInfo t :
        java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      out.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
      if (t.getLockName() != null) {
        out.append(" on ").append(t.getLockName());
      }
      out.append('\n');
      for (StackTraceElement e : t.getStackTrace()) {
        out.append("    at ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  /** The next message within {@code millis}, or null. */
  ServerMessage poll(long millis) throws InterruptedException {
    String json = received.poll(millis, TimeUnit.MILLISECONDS);
    return json == null ? null : ProtocolCodec.decodeServer(json);
  }

  /** The next message, which must be a {@code type}. */
  <T extends ServerMessage> T expect(Class<T> type) throws InterruptedException {
    ServerMessage m = next();
    assertThat(m).isInstanceOf(type);
    return type.cast(m);
  }

  /**
   * The acknowledgement of this client's batch: an {@code ack}, or, when subscribed, the next
   * {@code sequenced} message, which must hold exactly this client's batch.
   */
  ServerMessage.Ack expectAck() throws InterruptedException {
    ServerMessage m = next();
    if (m instanceof ServerMessage.Ack a) {
      return a;
    }
    assertThat(m).isInstanceOf(ServerMessage.Sequenced.class);
    ServerMessage.Sequenced s = (ServerMessage.Sequenced) m;
    assertThat(s.batches()).as("one batch, this client's").hasSize(1);
    WireSequenced own = s.batches().get(0);
    assertThat(own.batch().clientId()).isEqualTo(clientId);
    return new ServerMessage.Ack(
        s.doc(), own.batch().batchSeq(), own.firstRevision(), own.timestampMillis());
  }

  /** The next message, which must be {@code sequenced} with one batch: that batch. */
  WireSequenced expectSequenced() throws InterruptedException {
    ServerMessage.Sequenced s = expect(ServerMessage.Sequenced.class);
    assertThat(s.batches()).hasSize(1);
    return s.batches().get(0);
  }

  /** The next message, which must be an error with {@code code}. */
  ServerMessage.Error expectError(ErrorCode code) throws InterruptedException {
    ServerMessage.Error e = expect(ServerMessage.Error.class);
    assertThat(e.code()).as(e.message()).isEqualTo(code);
    assertThat(e.retry()).isEqualTo(code.retry());
    return e;
  }

  /** Skips messages until one of {@code type} matching {@code test}. */
  <T extends ServerMessage> T await(Class<T> type, Predicate<T> test) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String json = received.poll(100, TimeUnit.MILLISECONDS);
      if (json != null) {
        ServerMessage m = ProtocolCodec.decodeServer(json);
        if (type.isInstance(m) && test.test(type.cast(m))) {
          return type.cast(m);
        }
      }
    }
    throw new AssertionError(
        "no matching " + type.getSimpleName() + " within " + WAIT_SECONDS + " s");
  }

  /** Asserts nothing arrives for {@code millis}. */
  void expectSilence(long millis) throws InterruptedException {
    String json = received.poll(millis, TimeUnit.MILLISECONDS);
    assertThat(json).as("no message expected").isNull();
  }

  boolean awaitClosed() throws InterruptedException {
    return closed.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  int pending() {
    return received.size();
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    received.add(message);
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closeCode = code;
    closeReason = reason;
    closed.countDown();
  }

  @Override
  public void onError(Exception ex) {}
}
