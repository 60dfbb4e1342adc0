package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Request;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: who it is once it said hello, what it is subscribed to, its rate limit,
 * and a bounded outgoing queue. Messages to it may be sent from any thread.
 */
final class Session {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final WebSocket conn;
  private final String id;
  private final long maxOutgoingBytes;
  private final RelayMetrics metrics;
  final TokenBucket bucket;
  final Set<String> subscriptions = ConcurrentHashMap.newKeySet();

  private static final int HELLO_AWAITED = 0;
  private static final int HELLO_ARRIVED = 1;
  private static final int HELLO_TIMED_OUT = 2;
  private final AtomicInteger helloState = new AtomicInteger(HELLO_AWAITED);
  private final String upgradeUser;
  private final ScheduledExecutorService timer;
  private volatile String user;
  private volatile String clientId;
  private volatile boolean closing;
  // Ids of requests handed on and not yet answered, with how many of each (a client may reuse an
  // id); the close of a draining connection waits for them.
  private final ConcurrentHashMap<String, Integer> unanswered = new ConcurrentHashMap<>();
  private volatile String drainReason; // non-null: closes with this reason once all are answered
  // Takes one token per message dropped over the rate: a connection that runs it dry keeps sending
  // far past the rate (network thread only).
  final TokenBucket dropped;
  private long queuedEstimate; // guarded by this
  // Messages that came while hello is checked off the network thread, to handle after it in
  // order; null when no hello is being checked. Guarded by heldLock.
  private ArrayDeque<Request> heldForHello;
  private final Object heldLock = new Object();

  /** {@code timer} drops connections that do not answer a close (null: they are not dropped). */
  Session(
      WebSocket conn,
      String id,
      RelayConfig config,
      RelayMetrics metrics,
      String upgradeUser,
      ScheduledExecutorService timer) {
    this.conn = conn;
    this.timer = timer;
    this.upgradeUser = upgradeUser;
    this.id = id;
    this.maxOutgoingBytes = config.maxOutgoingBytes();
    this.metrics = metrics;
    this.bucket =
        new TokenBucket(
            config.limits().ratePerSecond(), config.limits().rateBurst(), System.nanoTime());
    this.dropped =
        new TokenBucket(
            config.limits().ratePerSecond(), config.limits().rateBurst(), System.nanoTime());
  }

  String id() {
    return id;
  }

  /** The user of the upgrade request's bearer token, or null when it had none. */
  String upgradeUser() {
    return upgradeUser;
  }

  /** The authenticated user, or null before hello. */
  String user() {
    return user;
  }

  String clientId() {
    return clientId;
  }

  /** True for the first message of the connection, unless the hello timeout came first. */
  boolean helloArrived() {
    return helloState.compareAndSet(HELLO_AWAITED, HELLO_ARRIVED)
        || helloState.get() == HELLO_ARRIVED;
  }

  /** True when the hello timeout came before any first message: the connection must go. */
  boolean helloTimedOut() {
    return helloState.compareAndSet(HELLO_AWAITED, HELLO_TIMED_OUT);
  }

  /** Hello is being checked: messages that come meanwhile are held ({@link #holdForHello}). */
  void checkingHello() {
    synchronized (heldLock) {
      heldForHello = new ArrayDeque<>();
    }
  }

  /** Holds {@code m} and returns true while hello is being checked; false otherwise. */
  boolean holdForHello(Request m) {
    synchronized (heldLock) {
      if (heldForHello == null) {
        return false;
      }
      heldForHello.add(m);
      return true;
    }
  }

  /**
   * The next message held while hello was checked, in order; null when there is none left, and from
   * then on nothing more is held.
   */
  Request nextHeldForHello() {
    synchronized (heldLock) {
      Request m = heldForHello == null ? null : heldForHello.poll();
      if (m == null) {
        heldForHello = null;
      }
      return m;
    }
  }

  void authenticated(String user, String clientId) {
    this.clientId = clientId;
    this.user = user;
  }

  boolean isClosing() {
    return closing || !conn.isOpen();
  }

  /** Sends a message that answers no request of this connection. */
  void send(ServerMessage message) {
    sendJson(ProtocolCodec.encode(message));
  }

  /**
   * Sends the answer to this connection's request {@code requestId}. A {@code snapshot} is not the
   * last answer to its request (the history page follows); any other answer is.
   */
  void answer(String requestId, ServerMessage message) {
    sendJson(ProtocolCodec.encode(message, requestId));
    if (requestId != null && !(message instanceof ServerMessage.Snapshot)) {
      answered(requestId);
    }
  }

  /**
   * Answers hello with {@code welcome} and runs {@code register}, which makes this session a
   * recipient of announcements, as one step: an announcement sent to it meanwhile waits on this
   * session's lock, so it never comes before the welcome, and nothing announced after the welcome
   * is missed.
   */
  synchronized void welcome(String requestId, ServerMessage.Welcome welcome, Runnable register) {
    register.run();
    answer(requestId, welcome);
  }

  /** The request {@code requestId} was handed on: its answer is owed before a draining close. */
  void requestTaken(String requestId) {
    unanswered.merge(requestId, 1, Integer::sum);
  }

  /**
   * The request {@code requestId} was answered, by {@link #answer} or in a way that names no id
   * (its batch in a {@code sequenced} message, a presence relayed).
   */
  void answered(String requestId) {
    unanswered.computeIfPresent(requestId, (id, n) -> n == 1 ? null : n - 1);
    if (drainReason != null && unanswered.isEmpty()) {
      close(CloseFrame.POLICY_VALIDATION, drainReason);
    }
  }

  /**
   * Reads nothing more from this connection, and closes it with {@code reason} once every request
   * taken before is answered: what it was promised reaches it before the close frame.
   */
  void drainThenClose(String reason) {
    drainReason = reason;
    if (unanswered.isEmpty()) {
      close(CloseFrame.POLICY_VALIDATION, reason);
    }
  }

  /** True once {@link #drainThenClose} was called: its further messages are not read. */
  boolean isDraining() {
    return drainReason != null;
  }

  /**
   * Queues a message, unless this connection already has more than {@code maxOutgoingBytes} unsent:
   * then it is closed instead ({@code TOO_SLOW}), so a client that stops reading cannot make the
   * relay's memory grow. Never throws: a connection that is gone is skipped, so one client cannot
   * keep a broadcast from reaching the others.
   */
  void sendJson(String json) {
    send(json, null);
  }

  /**
   * Like {@link #sendJson}, with {@code frames} of {@code json} made by {@link #frames}: a
   * broadcast encodes its message once, not once per recipient. Frames may be shared by the
   * recipients of one broadcast as long as it sends to them one after another on one thread.
   */
  void sendFrames(String json, List<Framedata> frames) {
    send(json, frames);
  }

  /** The frames of a text message, for {@link #sendFrames}. */
  List<Framedata> frames(String json) {
    return conn.getDraft().createFrames(json, false);
  }

  private synchronized void send(String json, List<Framedata> frames) {
    if (isClosing()) {
      return;
    }
    if (!conn.hasBufferedData()) {
      queuedEstimate = 0;
    }
    queuedEstimate += json.length();
    if (queuedEstimate > maxOutgoingBytes) {
      queuedEstimate = queuedBytes(); // exact, and only when the estimate says it may be needed
      if (queuedEstimate + json.length() > maxOutgoingBytes) {
        tooSlow();
        return;
      }
      queuedEstimate += json.length();
    }
    try {
      if (frames == null) {
        conn.send(json);
      } else {
        conn.sendFrame(frames);
      }
    } catch (WebsocketNotConnectedException e) {
      closing = true; // closed meanwhile; its close callback cleans up
    }
  }

  /**
   * Sends an error about the request {@code about} (naming whatever of it is known) and, for codes
   * that close, closes the connection with the code as reason.
   */
  void error(ErrorCode code, String message, RequestHeader about) {
    metrics.error(code);
    answer(about.id(), ServerMessage.Error.of(code, message, about.doc(), about.type()));
    if (code.closes()) {
      int closeCode =
          code == ErrorCode.MESSAGE_TOO_LARGE
              ? CloseFrame.TOOBIG
              : code == ErrorCode.SHUTTING_DOWN
                  ? CloseFrame.GOING_AWAY
                  : CloseFrame.POLICY_VALIDATION;
      close(closeCode, code.wireName() + ": " + message);
    }
  }

  /**
   * Sends the close frame and keeps reading, ignoring what comes, until the client answers it; then
   * the network layer closes the socket. Closing the socket at once (what Java-WebSocket's own
   * close does once the frame is written) would reset a connection whose client is still sending,
   * and a reset discards what the client had not read yet: the close frame and the answers before
   * it. A client that never answers is dropped after {@link #CLOSE_WAIT_MILLIS}.
   */
  void close(int code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    String shown = reason.length() > 120 ? reason.substring(0, 120) : reason;
    try {
      CloseFrame frame = new CloseFrame();
      frame.setCode(code);
      frame.setReason(shown);
      frame.isValid();
      conn.sendFrame(frame);
    } catch (InvalidDataException | RuntimeException e) { // not connected, or not a valid close
      conn.close(code, shown);
      return;
    }
    if (timer != null) {
      try {
        timer.schedule(
            () -> {
              if (!conn.isClosed()) {
                conn.closeConnection(code, shown);
              }
            },
            CLOSE_WAIT_MILLIS,
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        conn.close(code, shown); // the relay is stopping: its network layer closes everything
      }
    }
  }

  /** How long a closed connection is read, waiting for the client to answer the close frame. */
  static final long CLOSE_WAIT_MILLIS = 5_000;

  /** Bytes queued in the socket's outgoing queue, exactly. */
  long queuedBytes() {
    if (!(conn instanceof WebSocketImpl impl)) {
      return 0;
    }
    long sum = 0;
    for (ByteBuffer b : impl.outQueue) {
      sum += b.remaining();
    }
    return sum;
  }

  private void tooSlow() {
    log.warn("Closing session {} of {}: over {} bytes queued unsent", id, user, maxOutgoingBytes);
    metrics.error(ErrorCode.TOO_SLOW);
    closing = true;
    // The close frame waits behind the queue; the network layer drops the connection if the
    // client does not complete the close handshake. Nothing more is queued meanwhile.
    conn.close(
        CloseFrame.POLICY_VALIDATION,
        "TOO_SLOW: more than " + maxOutgoingBytes + " bytes queued unread");
  }

  @Override
  public String toString() {
    return "Session[" + id + ", " + user + "]";
  }
}
