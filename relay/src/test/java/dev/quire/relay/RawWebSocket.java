package dev.quire.relay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A bare WebSocket client over a plain socket with a tiny receive buffer, for the one thing a real
 * client library will not do: stop reading while the relay keeps sending.
 */
final class RawWebSocket implements AutoCloseable {
  private final Socket socket = new Socket();
  private final OutputStream out;
  private final InputStream in;

  RawWebSocket(int port) throws IOException {
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
    String key =
        Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    out.write(
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                + key
                + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String response = readHeaders();
    if (!response.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + response);
    }
  }

  private String readHeaders() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  /** Sends one masked text frame. */
  void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x81);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xff);
    }
    byte[] mask = {1, 2, 3, 4};
    f.write(mask);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i % 4]);
    }
    out.write(f.toByteArray());
    out.flush();
  }

  /** Reads everything until the relay closes the socket or {@code marker} has been seen. */
  boolean readUntil(String marker) throws IOException {
    byte[] want = marker.getBytes(StandardCharsets.US_ASCII);
    byte[] buf = new byte[64 * 1024];
    int matched = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      for (int i = 0; i < n; i++) {
        matched = buf[i] == want[matched] ? matched + 1 : (buf[i] == want[0] ? 1 : 0);
        if (matched == want.length) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
