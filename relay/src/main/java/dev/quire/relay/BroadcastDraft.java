package dev.quire.relay;

import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;

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

  BroadcastDraft(int maxFrameSize) {
    super(List.of(), maxFrameSize);
  }

  @Override
  public Draft copyInstance() {
    return new BroadcastDraft(getMaxFrameSize());
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
