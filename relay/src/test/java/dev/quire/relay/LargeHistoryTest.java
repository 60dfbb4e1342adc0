package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A history whose batches are large next to the limits: pages are cut by bytes as well as
 * revisions, so no reply exceeds the message limit and none overflows the reader's send queue.
 * Scaled down from 40 batches of 500 KB under a 1 MiB limit and a 16 MiB queue.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LargeHistoryTest {
  static final int MAX_MESSAGE = 64 * 1024;
  static final long MAX_QUEUED = 512 * 1024;
  static final int BATCHES = 40;
  static final int BATCH_CHARS = 30_000; // about half the message limit, as 500 KB is of 1 MiB

  @TempDir Path dir;
  Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private TestClient writeLongHistory(int checkpointInterval, int pageSize) throws Exception {
    relay =
        RelayFixture.start(
            dir,
            b ->
                b.limits(new Limits(MAX_MESSAGE, 50, pageSize, 1000, 1000))
                    .maxOutgoingBytes(MAX_QUEUED)
                    .checkpointInterval(checkpointInterval));
    TestClient writer = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    RelayFixture.create(writer, "doc");
    String chunk = "é".repeat(BATCH_CHARS); // two bytes each in UTF-8
    for (int i = 0; i < BATCHES; i++) {
      writer.send(new ClientMessage.Submit("doc", append("ca", i + 1, i, i * BATCH_CHARS, chunk)));
      writer.expectAck();
    }
    return writer;
  }

  @ParameterizedTest(name = "snapshot allowed: {0}")
  @ValueSource(booleans = {false, true})
  void historyLargerThanTheSendQueue_opensPageByPage_eachWithinTheMessageLimit(boolean snapshot)
      throws Exception {
    TestClient reader =
        writeLongHistory(1_000_000, 2000); // no checkpoint: the history is the answer
    long after = 0;
    int pages = 0;
    while (true) {
      String id = reader.send(new ClientMessage.Open("doc", after, snapshot));
      Reply r = reader.nextReply();
      assertThat(r.message())
          .as("closed? " + reader.closeReason)
          .isInstanceOf(ServerMessage.History.class);
      assertThat(r.id()).isEqualTo(id);
      assertThat(utf8(ProtocolCodec.encode(r))).isLessThanOrEqualTo(MAX_MESSAGE);
      ServerMessage.History h = (ServerMessage.History) r.message();
      pages++;
      after = h.batches().get(h.batches().size() - 1).lastRevision();
      if (h.complete()) {
        break;
      }
    }
    assertThat(after).isEqualTo(BATCHES);
    assertThat(pages).isGreaterThan(1);
    assertThat(reader.isOpen()).isTrue();
  }

  @Test
  void checkpointLargerThanAMessage_isNotSent_theHistoryComesInstead() throws Exception {
    // Checkpoints at 10, 20, 30, 40, with texts over 64 KiB; a page of 10 revisions would skip.
    TestClient writer = writeLongHistory(10, 10);
    ServerMessage.History h = null;
    long after = 0;
    do {
      writer.send(new ClientMessage.Open("doc", after, true));
      Reply r = writer.nextReply();
      assertThat(r.message()).isInstanceOf(ServerMessage.History.class); // no snapshot first
      assertThat(utf8(ProtocolCodec.encode(r))).isLessThanOrEqualTo(MAX_MESSAGE);
      h = (ServerMessage.History) r.message();
      after = h.batches().get(h.batches().size() - 1).lastRevision();
    } while (!h.complete());
    assertThat(after).isEqualTo(BATCHES);
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
