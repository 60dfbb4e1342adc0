package dev.quire.editor.sync;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.handshake.ServerHandshake;

/**
 * One WebSocket connection to the relay. Its network threads only decode each message strictly
 * (with the shared protocol codec) and hand the result, or the decoding problem, to the owner
 * executor; nothing else runs on them. Used once: a new connection is made for each attempt.
 */
final class RelayConnection {
  /** Called on the owner thread. */
  interface Handler {
    void opened(RelayConnection c);

    /** A message, with the id of the request of ours it answers (null when unasked). */
    void message(RelayConnection c, Reply r);

    /** The relay sent something that is not a valid message. */
    void malformed(RelayConnection c, String problem);

    void closed(RelayConnection c, String reason);
  }

  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private final Client ws;
  private final URI uri;
  private final Executor owner;
  private final Handler handler;
  private final int generation;

  RelayConnection(URI uri, Executor owner, Handler handler, int generation) {
    this.uri = uri;
    this.owner = owner;
    this.handler = handler;
    this.generation = generation;
    this.ws = new Client(uri);
    ws.setConnectionLostTimeout(15);
    ws.setTcpNoDelay(true);
  }

  private final java.util.Map<String, Integer> submitBytes = new java.util.HashMap<>();
  private volatile int closeCode;
  private long requests; // ids given on this connection, owner thread only
  private volatile Exception failure;
  private volatile String closingReason; // why we closed it ourselves, when we said

  int generation() {
    return generation;
  }

  /** The relay's address. */
  URI uri() {
    return uri;
  }

  /** Starts connecting (on the WebSocket library's own thread); returns at once. */
  void connect() {
    ws.connect();
  }

  /**
   * Sends {@code m} with a request id of its own on this connection (owner thread only); returns
   * the id, or null when the connection is not open (the closed callback follows).
   */
  String send(ClientMessage m) {
    String id = "r" + ++requests;
    try {
      String text = ProtocolCodec.encode(id, m);
      ws.send(text);
      if (m instanceof ClientMessage.Submit sub) {
        submitBytes.put(sub.doc(), utf8Length(text));
      }
      return id;
    } catch (WebsocketNotConnectedException e) {
      return null;
    }
  }

  /**
   * The document whose latest submit on this connection was the largest message, or null: the one a
   * refusal for size that names no document is about. Owner thread only.
   */
  String largestSubmit() {
    return submitBytes.entrySet().stream()
        .max(java.util.Map.Entry.comparingByValue())
        .map(java.util.Map.Entry::getKey)
        .orElse(null);
  }

  /** The WebSocket close code, once closed (1009: a message was too big for the relay). */
  int closeCode() {
    return closeCode;
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  /** Closes the connection; {@link Handler#closed} follows. */
  void close() {
    ws.close();
  }

  /** Closes the connection for {@code why}, which {@link Handler#closed} then gives as reason. */
  void close(String why) {
    closingReason = why;
    ws.close();
  }

  private void hand(Runnable r) {
    try {
      owner.execute(r);
    } catch (RejectedExecutionException e) {
      ws.close(); // the owner is shutting down: nobody is left to take messages
    }
  }

  private final class Client extends WebSocketClient {
    Client(URI uri) {
      super(uri, new org.java_websocket.drafts.Draft_6455(), null, CONNECT_TIMEOUT_MILLIS);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      hand(() -> handler.opened(RelayConnection.this));
    }

    @Override
    public void onMessage(String text) {
      Reply m;
      try {
        m = ProtocolCodec.decodeReply(text);
      } catch (RuntimeException e) { // MalformedMessageException, UnknownTypeException
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        hand(() -> handler.malformed(RelayConnection.this, e.getMessage() + " in " + shown));
        return;
      }
      hand(() -> handler.message(RelayConnection.this, m));
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closeCode = code;
      String why =
          closingReason != null
              ? closingReason
              : ConnectionProblem.describe(uri, failure, code, reason);
      hand(() -> handler.closed(RelayConnection.this, why));
    }

    @Override
    public void onError(Exception ex) {
      failure = ex; // onClose follows every error; it reports, with this as the reason
    }
  }
}
