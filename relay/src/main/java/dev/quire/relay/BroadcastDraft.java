package dev.quire.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshake;

/**
 * RFC 6455 framing that encodes a frame once when a thread sends the same frame to many connections
 * in a row, as a broadcast does ({@link Session#frames}): Java-WebSocket otherwise allocates and
 * copies the whole frame for every connection, which for a document with hundreds of subscribers
 * was most of the cost of sending. Safe because the relay negotiates no extension, so a frame's
 * bytes are the same on every connection.
 */
final class BroadcastDraft extends Draft_6455 {
  private static final ThreadLocal<Encoded> LAST = new ThreadLocal<>();

  private record Encoded(Framedata frame, ByteBuffer bytes) {}

  /** The status a handshake refused for its bearer token is given ({@link RelayServer}). */
  static final short UNAUTHORIZED = 401;

  BroadcastDraft(int maxFrameSize) {
    super(List.of(), maxFrameSize);
  }

  @Override
  public Draft copyInstance() {
    return new BroadcastDraft(getMaxFrameSize());
  }

  /**
   * A refused upgrade gets a plain HTTP 401 instead of the 101 response (Java-WebSocket can only
   * refuse a handshake with 404).
   */
  @Override
  public List<ByteBuffer> createHandshake(Handshakedata handshake) {
    if (handshake instanceof ServerHandshake response && response.getHttpStatus() == UNAUTHORIZED) {
      String text =
          "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n"
              + "Connection: close\r\n\r\n";
      return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }
    return super.createHandshake(handshake);
  }

  /**
   * A text frame of {@code text}, without the UTF-8 check Java-WebSocket runs on every outgoing
   * text (a second pass over all of it): Java encodes any string as valid UTF-8, an unpaired
   * surrogate as {@code ?}, so the check cannot fail. The same frame otherwise.
   */
  @Override
  public List<Framedata> createFrames(String text, boolean mask) {
    TextFrame frame = new TextFrame();
    frame.setPayload(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    frame.setTransferemasked(mask);
    return List.of(frame);
  }

  @Override
  public ByteBuffer createBinaryFrame(Framedata frame) {
    Encoded last = LAST.get();
    if (last != null && last.frame() == frame) {
      return last.bytes().duplicate(); // shares the bytes, has its own position
    }
    ByteBuffer bytes = super.createBinaryFrame(frame);
    LAST.set(new Encoded(frame, bytes.duplicate()));
    return bytes;
  }
}
