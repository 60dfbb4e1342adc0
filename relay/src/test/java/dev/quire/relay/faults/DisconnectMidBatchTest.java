package dev.quire.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.sync.Batch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client whose connection goes in the middle of a batch, against a relay process: after the
 * submit reached the relay (committed, never acknowledged), and halfway through the submit's frame
 * (never received). Either way the client resends the same batch after reconnecting and the relay
 * holds it exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DisconnectMidBatchTest {
  @TempDir Path dir;

  @Test
  void clientGoneMidBatch_resendsAfterReconnect_andNothingIsStoredTwice() throws Exception {
    Path data = dir.resolve("data");
    List<String> tokens = Fixture.users(data, 2);
    Fixture.documents(data, 1, 2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    SyncClient alice;
    SyncClient bob;
    try (RelayProcess relay = RelayProcess.start(data, dir.resolve("relay.log"))) {
      alice = new SyncClient("user0", tokens.get(0), "doc0", "alice-1", relay::port, 1);
      bob = new SyncClient("user1", tokens.get(1), "doc0", "bob-1", relay::port, 2);
      bob.type(3, 0);
      bob.finish(deadline);
      alice.type(3, 0);
      alice.finish(deadline);
      bob.settle(alice.sync.revision(), deadline);

      // 1. The submit reaches the relay whole, then the socket closes before the ack comes.
      alice.dropConnection();
      alice.editOffline(3);
      Batch committed = alice.takeBatch();
      long head = bob.sync.revision();
      try (RawSocket raw = new RawSocket(relay.port())) {
        raw.sendText(
            ProtocolCodec.encode(
                "h", new ClientMessage.Hello(ProtocolCodec.VERSION, tokens.get(0), "alice-1")));
        raw.sendText(submit(committed));
        // The ack reaches the socket, but the client goes before it reads it. (Closing right
        // after the frame would race the relay's network layer, which drops frames it has read
        // but not yet decoded when the connection closes: nothing committed, also fine.)
        assertThat(raw.readUntil("\"ack\"")).isTrue();
      }
      bob.settle(head + 3, deadline); // the relay committed it: bob got it live
      assertThat(alice.acks).doesNotContainKey(committed.batchSeq());
      int resendsBefore = alice.resends;
      alice.finish(deadline); // reconnects, resends the same batch
      assertThat(alice.resends).isEqualTo(resendsBefore + 1);
      assertThat(alice.acks.get(committed.batchSeq()))
          .as("the resend is answered with the revisions given the first time")
          .isEqualTo(head + 1);

      // 2. The connection goes halfway through the submit's frame: the relay never had it.
      alice.dropConnection();
      alice.editOffline(2);
      Batch torn = alice.takeBatch();
      head = bob.sync.revision();
      try (RawSocket raw = new RawSocket(relay.port())) {
        raw.sendText(
            ProtocolCodec.encode(
                "h", new ClientMessage.Hello(ProtocolCodec.VERSION, tokens.get(0), "alice-1")));
        raw.sendPartial(submit(torn));
      }
      bob.listen(500);
      assertThat(bob.sync.revision()).as("nothing sequenced from a torn frame").isEqualTo(head);
      alice.finish(deadline);
      assertThat(alice.acks.get(torn.batchSeq())).isEqualTo(head + 1);

      // 3. Dropped right after the submit left, again and again, racing the ack.
      for (int i = 0; i < 10; i++) {
        alice.type(1, 0);
        alice.dropConnection();
      }
      alice.finish(deadline);
      bob.type(2, 0);
      bob.finish(deadline);
      long last = Math.max(alice.sync.revision(), bob.sync.revision());
      alice.settle(last, deadline);
      bob.settle(last, deadline);
      alice.close();
      bob.close();
      assertThat(relay.stop()).isEqualTo(143);
    }
    StoredHistory stored = StoredHistory.read(data, "doc0");
    stored.assertContiguousAndUnique();
    stored.assertHoldsExactlyOnce(alice);
    stored.assertHoldsExactlyOnce(bob);
  }

  private static String submit(Batch b) {
    return ProtocolCodec.encode("s", new ClientMessage.Submit("doc0", WireBatch.of(b, 1_000L)));
  }

  /** A bare WebSocket client on a plain socket, to close it exactly where the test wants. */
  static final class RawSocket implements AutoCloseable {
    private final Socket socket = new Socket();
    private final OutputStream out;
    private final InputStream in;

    RawSocket(int port) throws IOException {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n"
                  + "Sec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed during the upgrade");
        }
        head.write(c);
      }
      if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
        throw new IOException("upgrade refused: " + head);
      }
    }

    void sendText(String text) throws IOException {
      out.write(frame(text));
      out.flush();
    }

    /** Reads until {@code marker} has passed (true) or the relay closed the socket (false). */
    boolean readUntil(String marker) throws IOException {
      byte[] want = marker.getBytes(StandardCharsets.US_ASCII);
      int matched = 0;
      int c;
      while ((c = in.read()) >= 0) {
        matched = c == want[matched] ? matched + 1 : (c == want[0] ? 1 : 0);
        if (matched == want.length) {
          return true;
        }
      }
      return false;
    }

    /** Sends the first half of the frame only. */
    void sendPartial(String text) throws IOException {
      byte[] f = frame(text);
      out.write(Arrays.copyOf(f, f.length / 2));
      out.flush();
    }

    private static byte[] frame(String text) {
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
      byte[] mask = {7, 3, 1, 9};
      f.writeBytes(mask);
      for (int i = 0; i < payload.length; i++) {
        f.write(payload[i] ^ mask[i % 4]);
      }
      return f.toByteArray();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
