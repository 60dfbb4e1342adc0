package dev.quire.relay.faults;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientSync;
import dev.quire.ot.sync.Delivery;
import dev.quire.ot.sync.MemoryLog;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;

/**
 * One editor of one document over a real WebSocket, driven by the engine's {@link ClientSync}:
 * types at random (astral characters included), keeps typing while the relay is unreachable, and on
 * every reconnect resends its in-flight batch unchanged before it catches up. Records every
 * acknowledgement it gets, so a test can check them against what the relay stored.
 *
 * <p>Confined to one thread (the one calling its methods); the socket's thread only queues what
 * arrives.
 */
final class SyncClient {
  static final String[] SNIPPETS = {"a", "bc", "😀", "é", "🇫🇷", "\n", "xyz", "👩‍👩‍👧"};

  final String user;
  final String token;
  final String doc;
  final String clientId;
  private final IntSupplier port;
  private final Random random;
  final ClientSync sync;
  String text = "";

  /** batchSeq -> first revision, from every ack received (a resend's ack must agree). */
  final Map<Long, Long> acks = new TreeMap<>();

  volatile int editsMade;
  volatile int ackCount;
  int connects;
  int resends;
  private Conn conn;

  SyncClient(String user, String token, String doc, String clientId, IntSupplier port, long seed) {
    this.user = user;
    this.token = token;
    this.doc = doc;
    this.clientId = clientId;
    this.port = port;
    this.random = new Random(seed);
    this.sync = new ClientSync(clientId, new MemoryLog(), 20);
  }

  /** Types {@code edits} edits with random pauses up to {@code maxPauseMillis} between them. */
  void type(int edits, int maxPauseMillis) throws InterruptedException {
    for (int i = 0; i < edits; i++) {
      edit();
      if (tryConnected()) {
        sendNext();
        drain(random.nextInt(maxPauseMillis + 1));
      } else {
        Thread.sleep(random.nextInt(maxPauseMillis + 1)); // typing pause, offline
      }
    }
  }

  /** Makes {@code edits} edits without sending anything. */
  void editOffline(int edits) {
    for (int i = 0; i < edits; i++) {
      edit();
    }
  }

  /** Takes the next batch to send (it is then in flight) without sending it. */
  Batch takeBatch() {
    return sync.nextBatch().orElseThrow();
  }

  /** Handles what arrives within {@code millis}. */
  void listen(int millis) throws InterruptedException {
    if (tryConnected()) {
      drain(millis);
    }
  }

  /** Drops the connection abruptly (no close handshake), as a network failure would. */
  void dropConnection() {
    if (conn != null) {
      conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped by the test");
      conn.closed = true;
    }
  }

  /** Until every local edit is acknowledged, reconnecting as needed. */
  void finish(long deadlineNanos) throws InterruptedException {
    while (!sync.isSynchronised()) {
      requireBefore(deadlineNanos, "finish: " + sync.unacknowledgedCount() + " unacknowledged");
      if (tryConnected()) {
        sendNext();
        poll(100);
      } else {
        Thread.sleep(50); // offline: pause before trying to connect again
      }
    }
  }

  /** Until this replica has every revision up to {@code head}. */
  void settle(long head, long deadlineNanos) throws InterruptedException {
    while (sync.revision() < head) {
      requireBefore(deadlineNanos, "settle at " + sync.revision() + " of " + head);
      if (tryConnected()) {
        poll(100);
      } else {
        Thread.sleep(50); // offline: pause before trying to connect again
      }
    }
  }

  /** The last revision this client got acknowledged, or 0. */
  long lastAckedRevision() {
    return acks.isEmpty() ? 0 : sync.revision();
  }

  void close() {
    if (conn != null) {
      conn.close();
    }
  }

  // ---- editing ----

  private void edit() {
    int length = sync.localLength();
    int position = length == 0 ? 0 : random.nextInt(length + 1);
    int delete = position < length && random.nextInt(4) == 0 ? 1 : 0;
    String insert = SNIPPETS[random.nextInt(SNIPPETS.length)];
    TextOperation op = TextOperation.splice(length, position, delete, insert);
    text = op.apply(text);
    sync.localEdit(op);
    editsMade++;
  }

  private long requests; // request ids sent

  private void sendNext() {
    Optional<Batch> next = sync.nextBatch();
    next.ifPresent(b -> send(new ClientMessage.Submit(doc, WireBatch.of(b, 1_000L))));
  }

  private void send(ClientMessage m) {
    try {
      conn.send(ProtocolCodec.encode("r" + ++requests, m)); // ids unused: acks name the batch
    } catch (WebsocketNotConnectedException e) {
      conn.closed = true;
    }
  }

  // ---- connection ----

  /**
   * True when connected (connecting once if not): hello, resend of the in-flight batch, then
   * catch-up from the last revision this client has, page by page.
   */
  private boolean tryConnected() throws InterruptedException {
    if (conn != null && !conn.closed) {
      return true;
    }
    if (conn != null) {
      sync.connectionLost();
      conn = null;
    }
    int p = port.getAsInt();
    if (p < 0) {
      return false;
    }
    Conn c = new Conn(p);
    try {
      if (!c.connectBlocking(2, TimeUnit.SECONDS)) {
        c.close();
        return false;
      }
      conn = c;
      connects++;
      send(new ClientMessage.Hello(ProtocolCodec.VERSION, token, clientId));
      ServerMessage w = c.next(5000);
      if (!(w instanceof ServerMessage.Welcome)) {
        throw new Lost("no welcome: " + w);
      }
      if (sync.inFlight().isPresent() && connects > 1) {
        resends++;
      }
      sendNext(); // the in-flight batch again, unchanged, before catching up: the relay dedupes it
      long after = sync.revision();
      while (true) {
        send(new ClientMessage.Open(doc, after, false));
        ServerMessage.History h = null;
        while (h == null) {
          ServerMessage m = c.next(5000);
          if (m instanceof ServerMessage.History hist) {
            h = hist;
          } else {
            handle(m);
          }
        }
        for (WireSequenced s : h.batches()) {
          deliver(s);
        }
        if (h.complete()) {
          break;
        }
        after = sync.revision();
      }
      sendNext();
      return !c.closed;
    } catch (Lost e) {
      c.closeConnection(CloseFrame.ABNORMAL_CLOSE, "lost");
      c.closed = true;
      return false;
    }
  }

  private void drain(int millis) throws InterruptedException {
    poll(millis);
    while (conn != null && !conn.closed && !conn.in.isEmpty()) {
      poll(0);
    }
  }

  private void poll(int millis) throws InterruptedException {
    if (conn == null) {
      return;
    }
    String json = conn.in.poll(millis, TimeUnit.MILLISECONDS);
    if (json != null) {
      handle(ProtocolCodec.decodeServer(json));
    }
  }

  private void handle(ServerMessage m) {
    if (m instanceof ServerMessage.Ack a) {
      acknowledged(a.batchSeq(), a.firstRevision());
      // Behind the ack (a resend answered before the catch-up): the history brings the batch.
      sync.acknowledge(a.batchSeq(), a.firstRevision(), user, a.timestampMillis());
      sendNext();
    } else if (m instanceof ServerMessage.Sequenced s) {
      for (WireSequenced w : s.batches()) {
        if (w.batch().clientId().equals(clientId)) {
          acknowledged(w.batch().batchSeq(), w.firstRevision()); // our own: its acknowledgement
          deliver(w);
          sendNext();
        } else {
          deliver(w);
        }
      }
    } else if (m instanceof ServerMessage.Error e) {
      if (e.code() == ErrorCode.SHUTTING_DOWN) {
        throw new Lost(e.message());
      }
      throw new AssertionError(clientId + " got " + e);
    } else if (!(m instanceof ServerMessage.Leave)
        && !(m instanceof ServerMessage.PresenceOf)
        && !(m instanceof ServerMessage.Available)) { // documents it does not follow
      throw new AssertionError(clientId + " got " + m);
    }
  }

  /** Counts an acknowledgement and checks that a batch is never given two places. */
  private void acknowledged(long batchSeq, long firstRevision) {
    ackCount++;
    Long earlier = acks.putIfAbsent(batchSeq, firstRevision);
    if (earlier != null && earlier != firstRevision) {
      throw new AssertionError(
          clientId
              + ": batch "
              + batchSeq
              + " acknowledged at "
              + earlier
              + " and again at "
              + firstRevision);
    }
  }

  private void deliver(WireSequenced w) {
    Delivery d = sync.receive(w.toSequencedBatch());
    if (d.status() == Delivery.Status.GAP) {
      throw new AssertionError(clientId + " got a gap at " + w.firstRevision());
    }
    for (TextOperation op : d.toApply()) {
      text = op.apply(text);
    }
  }

  private static void requireBefore(long deadlineNanos, String what) {
    if (System.nanoTime() > deadlineNanos) {
      throw new AssertionError("timed out: " + what);
    }
  }

  /** The connection went while a step needed it. */
  private static final class Lost extends RuntimeException {
    Lost(String message) {
      super(message, null, false, false);
    }
  }

  /** One WebSocket connection; its thread only queues what arrives. */
  private static final class Conn extends WebSocketClient {
    final BlockingQueue<String> in = new LinkedBlockingQueue<>();
    volatile boolean closed;

    Conn(int port) {
      super(URI.create("ws://127.0.0.1:" + port + "/"));
      setTcpNoDelay(true);
    }

    /** The next message within {@code millis}, or {@link Lost}. */
    ServerMessage next(long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (System.nanoTime() < deadline) {
        String json = in.poll(20, TimeUnit.MILLISECONDS);
        if (json != null) {
          return ProtocolCodec.decodeServer(json);
        }
        if (closed) {
          throw new Lost("closed");
        }
      }
      throw new Lost("nothing within " + millis + " ms");
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {
      in.add(message);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closed = true;
    }

    @Override
    public void onError(Exception ex) {}
  }
}
