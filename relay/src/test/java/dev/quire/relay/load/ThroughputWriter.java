package dev.quire.relay.load;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One writer of the throughput scenario: subscribed to its document, one batch in flight, the next
 * sent as soon as the last is answered. A subscriber's submit is answered by its batch in the next
 * {@code sequenced} message, not by an {@code ack}; a batch counts as acknowledged only when a
 * {@code sequenced} message carries this writer's client id with the sequence number in flight and
 * the batch's number of operations.
 *
 * <p>The generator shares the relay's cores, so a writer is lean: every writer runs on the JDK's
 * WebSocket client, whose connections share one selector thread that also runs every callback (no
 * thread per connection, no hand-over per message), each submit is written into a reused buffer
 * with only its numbers changing (checked once against {@link ProtocolCodec}), and an incoming
 * message is scanned for the fields the writer checks instead of parsed.
 */
final class ThroughputWriter implements WebSocket.Listener {
  // Every writer's callbacks run on the client's selector thread, which reads the sockets: no
  // hand-over to another thread per message.
  private static final HttpClient HTTP = HttpClient.newBuilder().executor(Runnable::run).build();
  private static final long MADE_AT = 1_000L;

  private final String doc;
  private final String clientId;
  private final int batchSize;
  private final AtomicLong acked;
  private final AtomicLong errors;
  private final StringBuilder frame = new StringBuilder(256);
  private final StringBuilder partial = new StringBuilder();
  // Setting up (hello, open) takes its replies from here; then every message goes to onMessage.
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private volatile boolean live;
  private volatile boolean running = true;
  private WebSocket ws;
  private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);
  // Guarded by this, once live.
  private long known; // the latest revision seen
  private long seq; // the batch in flight

  ThroughputWriter(
      String doc, String clientId, int batchSize, AtomicLong acked, AtomicLong errors) {
    this.doc = doc;
    this.clientId = clientId;
    this.batchSize = batchSize;
    this.acked = acked;
    this.errors = errors;
  }

  /** Connects, says hello and opens the document from revision 0 (subscribing to it). */
  void start(String url, String token) throws Exception {
    ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), this).get(30, TimeUnit.SECONDS);
    request(new ClientMessage.Hello(ProtocolCodec.VERSION, token, clientId), "welcome");
    request(new ClientMessage.Open(doc, 0, false), "history");
    String probe = submitFrame(1, 0);
    String codec =
        ProtocolCodec.encode(
            "t1", new ClientMessage.Submit(doc, LoadGenerator.batch(clientId, 1, 0, batchSize)));
    if (!probe.equals(codec)) {
      throw new IllegalStateException("submit frame " + probe + " is not the codec's " + codec);
    }
    live = true; // from here every message is taken on the selector thread, which also sends
  }

  private void request(ClientMessage m, String type) throws Exception {
    send(ProtocolCodec.encode(LoadGenerator.nextId(), m));
    while (true) {
      String r = replies.poll(60, TimeUnit.SECONDS);
      if (r == null) {
        throw new IllegalStateException("no " + type + " within 60 s");
      }
      if (r.startsWith("{\"type\":\"" + type + "\"")) {
        return;
      }
      if (r.startsWith("{\"type\":\"error\"")) {
        throw new IllegalStateException(m.type() + " refused: " + r);
      }
    }
  }

  /** Sends the first batch; each answered batch sends the next until {@link #stop}. */
  void go() {
    synchronized (this) {
      sendNext();
    }
  }

  void stop() {
    running = false;
  }

  void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
  }

  @Override
  public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
    socket.request(1);
    if (!last) {
      partial.append(data);
      return null;
    }
    String m;
    if (partial.length() > 0) {
      m = partial.append(data).toString();
      partial.setLength(0);
    } else {
      m = data.toString();
    }
    if (live) {
      synchronized (this) { // go() sends the first batch from another thread
        onMessage(m);
      }
    } else {
      replies.add(m);
    }
    return null;
  }

  @Override
  public void onError(WebSocket socket, Throwable error) {
    if (running) {
      errors.incrementAndGet();
      System.out.println(clientId + ": " + error);
    }
  }

  private void onMessage(String m) {
    if (m.startsWith("{\"type\":\"sequenced\"")) {
      if (takeSequenced(m) && running) {
        sendNext();
      }
    } else if (m.startsWith("{\"type\":\"error\"")) {
      errors.incrementAndGet();
      System.out.println(clientId + ": " + m);
    }
  }

  /**
   * Follows the revisions of a {@code sequenced} message; true when it carries the batch in flight.
   * Any batch of this writer's other than the one in flight is an error.
   */
  private boolean takeSequenced(String m) {
    String first = "{\"firstRevision\":";
    String client = "\"clientId\":\"";
    boolean ours = false;
    int at = m.indexOf(first);
    while (at >= 0) {
      long firstRevision = number(m, at + first.length());
      int c = m.indexOf(client, at) + client.length();
      int ops = operations(m, c);
      known = Math.max(known, firstRevision + ops - 1);
      if (m.startsWith(clientId, c) && m.charAt(c + clientId.length()) == '"') {
        long batchSeq = number(m, m.indexOf("\"batchSeq\":", c) + "\"batchSeq\":".length());
        if (batchSeq == seq && ops == batchSize && !ours) {
          ours = true;
          acked.addAndGet(batchSize);
        } else {
          errors.incrementAndGet();
          System.out.println(clientId + ": unexpected batch " + batchSeq + " in " + m);
        }
      }
      at = m.indexOf(first, at + first.length());
    }
    return ours;
  }

  /** The number of operations in the batch whose client id starts at {@code from}. */
  private static int operations(String m, int from) {
    int start = m.indexOf("\"operations\":[", from);
    int end = m.indexOf("]]", start); // every operation of the generator's is ["x"] or ["x",n]
    int n = 0;
    for (int i = m.indexOf("[\"x\"", start); i >= 0 && i < end; i = m.indexOf("[\"x\"", i + 4)) {
      n++;
    }
    return n;
  }

  private static long number(String s, int i) {
    long v = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      v = v * 10 + (s.charAt(i++) - '0');
    }
    return v;
  }

  private void sendNext() {
    seq++;
    send(submitFrame(seq, known));
  }

  /** A submit of batch {@code seq} on {@code base}, as {@link ProtocolCodec} writes it. */
  private String submitFrame(long seq, long base) {
    StringBuilder f = frame;
    f.setLength(0);
    f.append("{\"type\":\"submit\",\"id\":\"t").append(seq);
    f.append("\",\"doc\":\"").append(doc).append("\",\"batch\":{\"clientId\":\"").append(clientId);
    f.append("\",\"batchSeq\":").append(seq).append(",\"baseRevision\":").append(base);
    f.append(",\"operations\":[");
    for (int i = 0; i < batchSize; i++) {
      long length = base + i;
      f.append(i == 0 ? "" : ",").append("[\"x\"");
      if (length > 0) {
        f.append(',').append(length);
      }
      f.append(']');
    }
    return f.append("],\"madeAt\":").append(MADE_AT).append("}}").toString();
  }

  // A WebSocket takes one send at a time: the next waits for the last to be written.
  private void send(String text) {
    if (lastSend.isDone()) {
      lastSend = ws.sendText(text, true);
    } else {
      lastSend = lastSend.thenCompose(w -> w.sendText(text, true));
    }
  }
}
