package dev.quire.relay;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketListener;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.server.DefaultWebSocketServerFactory;

/**
 * A Java-WebSocket connection whose sends queue their frames as the library does, without its trace
 * line: Java-WebSocket (1.6.0) builds that line's argument, a String decoded from the whole frame,
 * for every frame of up to 1,000 bytes even when tracing is off, which cost about an eighth of the
 * CPU of a document's thread sending live batches. Only the relay's own sends (text messages and
 * {@link #sendFrame(Collection)}) take this path; the library's (handshake, ping, close) are
 * unchanged.
 */
final class UntracedConnection extends WebSocketImpl {
  private final WebSocketListener listener;

  private UntracedConnection(WebSocketListener listener, List<Draft> drafts) {
    super(listener, drafts);
    this.listener = listener;
  }

  /** Makes the server's connections untraced ones. */
  static final class Factory extends DefaultWebSocketServerFactory {
    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
      return new UntracedConnection(a, List.of(d));
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> drafts) {
      return new UntracedConnection(a, drafts);
    }
  }

  @Override
  public void send(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Cannot send 'null' data to a WebSocketImpl.");
    }
    sendFrame(getDraft().createFrames(text, false)); // false: a server does not mask
  }

  /**
   * Queues the frames' bytes and asks the server to write them, as Java-WebSocket's own send does.
   * Each frame is one buffer, added at once; the relay sends every message as one frame, and one
   * connection's sends one at a time ({@link Session}).
   */
  @Override
  public void sendFrame(Collection<Framedata> frames) {
    if (!isOpen()) {
      throw new WebsocketNotConnectedException();
    }
    if (frames == null) {
      throw new IllegalArgumentException();
    }
    Draft draft = getDraft();
    for (Framedata f : frames) {
      ByteBuffer bytes = draft.createBinaryFrame(f);
      outQueue.add(bytes);
    }
    listener.onWriteDemand(this);
  }
}
