package dev.quire.relay.load;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many protocol connections that say hello and then sit idle, all on one selector thread (a
 * WebSocket client library's thread per connection would not scale to ten thousand): each does the
 * HTTP upgrade, sends {@code hello}, waits for {@code welcome}, then only answers the relay's pings
 * (the relay drops a connection that does not) and discards anything else.
 */
final class IdleConnections implements AutoCloseable {
  private static final int OPENING_AT_ONCE = 64; // more overflow the relay's accept backlog

  private final Selector selector;
  private final Thread thread;
  private final List<Conn> conns = new ArrayList<>();
  private final AtomicInteger welcomed = new AtomicInteger();
  private final AtomicInteger closedByRelay = new AtomicInteger();
  private volatile String failure;
  private volatile boolean running = true;

  private IdleConnections(InetSocketAddress relay, String token, String clientPrefix, int count)
      throws IOException {
    selector = Selector.open();
    for (int i = 0; i < count; i++) {
      conns.add(new Conn(relay, token, clientPrefix + "-" + i));
    }
    thread = new Thread(this::loop, "idle-connections");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Opens {@code count} idle connections to the relay at {@code relay}, each with its own client
   * id, and returns once every one has its {@code welcome}; fails if one is refused or they take
   * longer than {@code timeoutSeconds}.
   */
  static IdleConnections open(
      InetSocketAddress relay, String token, String clientPrefix, int count, int timeoutSeconds)
      throws Exception {
    IdleConnections idle = new IdleConnections(relay, token, clientPrefix, count);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (idle.welcomed.get() < count) {
      if (idle.failure != null) {
        idle.close();
        throw new IllegalStateException("idle connections: " + idle.failure);
      }
      if (System.nanoTime() > deadline) {
        int n = idle.welcomed.get();
        idle.close();
        throw new IllegalStateException(
            "only "
                + n
                + " of "
                + count
                + " idle connections welcomed in "
                + timeoutSeconds
                + " s");
      }
      Thread.sleep(50); // polls the counter the selector thread advances
    }
    return idle;
  }

  /** The connections the relay closed (or that failed) after their welcome. */
  int closedByRelay() {
    return closedByRelay.get();
  }

  private void loop() {
    int next = 0; // the next connection to start
    try {
      while (running) {
        while (next < conns.size()
            && next - welcomed.get() - closedByRelay.get() < OPENING_AT_ONCE) {
          conns.get(next++).connect();
        }
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Conn c = (Conn) key.attachment();
          try {
            if (key.isValid() && key.isConnectable()) {
              c.finishConnect();
            }
            if (key.isValid() && key.isReadable()) {
              c.read();
            }
          } catch (IOException | RuntimeException e) {
            c.fail(e.toString());
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      failure = e.toString();
    }
  }

  @Override
  public void close() throws Exception {
    running = false;
    selector.wakeup();
    thread.join(10_000);
    for (Conn c : conns) {
      c.closeCleanly();
    }
    selector.close();
  }

  /** Where a connection is in its opening: then it only answers pings. */
  private enum State {
    CONNECTING,
    UPGRADING,
    HELLO_SENT,
    IDLE,
    CLOSED
  }

  private final class Conn {
    final InetSocketAddress relay;
    final String token;
    final String clientId;
    SocketChannel channel;
    State state = State.CONNECTING;
    ByteBuffer in = ByteBuffer.allocate(512);

    Conn(InetSocketAddress relay, String token, String clientId) {
      this.relay = relay;
      this.token = token;
      this.clientId = clientId;
    }

    void connect() throws IOException {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (channel.connect(relay)) {
        channel.register(selector, SelectionKey.OP_READ, this);
        upgrade();
      } else {
        channel.register(selector, SelectionKey.OP_CONNECT, this);
      }
    }

    void finishConnect() throws IOException {
      channel.finishConnect();
      channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
      upgrade();
    }

    private void upgrade() throws IOException {
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      String request =
          "GET / HTTP/1.1\r\n"
              + "Host: "
              + relay.getHostString()
              + ":"
              + relay.getPort()
              + "\r\n"
              + "Upgrade: websocket\r\n"
              + "Connection: Upgrade\r\n"
              + "Sec-WebSocket-Key: "
              + Base64.getEncoder().encodeToString(nonce)
              + "\r\n"
              + "Sec-WebSocket-Version: 13\r\n\r\n";
      write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      state = State.UPGRADING;
    }

    void read() throws IOException {
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      int n = channel.read(in);
      if (n < 0) {
        fail("closed by the relay" + (state == State.IDLE ? " while idle" : " in " + state));
        return;
      }
      in.flip();
      if (state == State.UPGRADING) {
        String head = new String(in.array(), 0, in.limit(), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
          in.position(in.limit());
          in.limit(in.capacity());
          return;
        }
        if (!head.startsWith("HTTP/1.1 101")) {
          fail("upgrade refused: " + head.lines().findFirst().orElse(""));
          return;
        }
        in.position(end + 4);
        state = State.HELLO_SENT;
        sendFrame(
            0x1,
            ProtocolCodec.encode(
                    LoadGenerator.nextId(),
                    new ClientMessage.Hello(ProtocolCodec.VERSION, token, clientId))
                .getBytes(StandardCharsets.UTF_8));
      }
      readFrames();
      in.compact();
    }

    /** Takes every whole frame in {@code in} (server frames are not masked). */
    private void readFrames() throws IOException {
      while (in.remaining() >= 2) {
        int start = in.position();
        int opcode = in.get(start) & 0x0f;
        int len7 = in.get(start + 1) & 0x7f;
        int header = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        if (in.remaining() < header) {
          return;
        }
        long length =
            len7 == 126
                ? in.getShort(start + 2) & 0xffff
                : len7 == 127 ? in.getLong(start + 2) : len7;
        if (in.remaining() < header + length) {
          return;
        }
        byte[] payload = new byte[(int) length];
        in.position(start + header);
        in.get(payload);
        onFrame(opcode, payload);
        if (state == State.CLOSED) {
          return;
        }
      }
    }

    private void onFrame(int opcode, byte[] payload) throws IOException {
      switch (opcode) {
        case 0x9 -> sendFrame(0xA, payload); // ping: pong with the same data
        case 0x8 -> fail("the relay closed it" + (state == State.IDLE ? " while idle" : ""));
        case 0x1 -> {
          if (state == State.HELLO_SENT) {
            String text = new String(payload, StandardCharsets.UTF_8);
            if (!text.startsWith("{\"type\":\"welcome\"")) {
              fail("hello answered with " + text);
              return;
            }
            state = State.IDLE;
            welcomed.incrementAndGet();
          } // otherwise discarded: an idle client has nothing to do with it
        }
        default -> {} // pong, binary or continuation: nothing an idle client needs
      }
    }

    /** One final, masked frame (a client must mask what it sends). */
    private void sendFrame(int opcode, byte[] payload) throws IOException {
      int header = payload.length < 126 ? 2 : payload.length < 65536 ? 4 : 10;
      ByteBuffer out = ByteBuffer.allocate(header + 4 + payload.length);
      out.put((byte) (0x80 | opcode));
      if (payload.length < 126) {
        out.put((byte) (0x80 | payload.length));
      } else if (payload.length < 65536) {
        out.put((byte) (0x80 | 126)).putShort((short) payload.length);
      } else {
        out.put((byte) (0x80 | 127)).putLong(payload.length);
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      out.put(mask);
      for (int i = 0; i < payload.length; i++) {
        out.put((byte) (payload[i] ^ mask[i & 3]));
      }
      out.flip();
      write(out);
    }

    /** Writes all of {@code b}: the frames are small and the socket buffer empty, so it fits. */
    private void write(ByteBuffer b) throws IOException {
      channel.write(b);
      if (b.hasRemaining()) {
        throw new IOException("socket buffer full while writing " + b.limit() + " bytes");
      }
    }

    void fail(String why) {
      if (state == State.CLOSED) {
        return;
      }
      if (state == State.IDLE) {
        closedByRelay.incrementAndGet();
      } else if (failure == null) {
        failure = clientId + ": " + why;
      }
      state = State.CLOSED;
      try {
        channel.close();
      } catch (IOException ignored) {
        // already gone
      }
    }

    /** A close frame (1000), then the socket: the relay sees a normal close, not a reset. */
    void closeCleanly() {
      if (channel == null || state == State.CLOSED) {
        return;
      }
      try {
        if (state == State.IDLE) {
          sendFrame(0x8, new byte[] {0x03, (byte) 0xe8});
        }
      } catch (IOException ignored) {
        // the socket goes anyway
      }
      state = State.CLOSED;
      try {
        channel.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }
}
