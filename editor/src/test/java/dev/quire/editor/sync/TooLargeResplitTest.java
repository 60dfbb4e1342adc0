package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay that refuses a batch as too large, although its {@code welcome} said it would take it:
 * the client sends the batch again cut smaller (its operations into smaller ones, the batch into
 * several), never the same one again and again, and the relay ends with the whole text.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TooLargeResplitTest {
  @TempDir Path dir;
  private FakeRelay fake;
  private TestClient client;
  private final AtomicLong head = new AtomicLong();
  private final List<WireBatch> accepted = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (fake != null) {
      fake.shutDown();
    }
  }

  private static long operationBytes(WireBatch b) {
    long n = 0;
    for (String op : b.operations()) {
      n += op.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return n;
  }

  /**
   * A relay that says it takes 1 MiB but refuses, with {@code refusal}, a batch over {@code
   * maxBytes} of operations or {@code maxOps} operations, and acknowledges the others.
   */
  private void relay(long maxBytes, int maxOps, List<String> refusal) throws Exception {
    fake =
        FakeRelay.begin(
            (m, conn) -> {
              if (m instanceof ClientMessage.Hello) {
                return List.of(BadRelayTest.welcome());
              }
              if (m instanceof ClientMessage.Open o) {
                return List.of(
                    FakeRelay.encode(
                        new ServerMessage.History(o.doc(), List.of(), head.get(), true)));
              }
              if (m instanceof ClientMessage.Submit sub) {
                WireBatch b = sub.batch();
                if (operationBytes(b) > maxBytes || b.operations().size() > maxOps) {
                  return refusal;
                }
                synchronized (accepted) {
                  accepted.add(b);
                }
                long first = head.get() + 1;
                head.addAndGet(b.operations().size());
                return List.of(
                    FakeRelay.encode(new ServerMessage.Ack(sub.doc(), b.batchSeq(), first, 5)));
              }
              return List.of();
            });
  }

  private String acceptedText() {
    String text = "";
    synchronized (accepted) {
      for (WireBatch b : accepted) {
        for (String op : b.operations()) {
          text = OperationCodec.fromJson(op).apply(text);
        }
      }
    }
    return text;
  }

  private List<WireBatch> submitted() {
    return fake.received.stream()
        .filter(ClientMessage.Submit.class::isInstance)
        .map(m -> ((ClientMessage.Submit) m).batch())
        .toList();
  }

  @Test
  void messageTooLarge_withClose_sendsTheBatchAgainInSmallerParts() throws Exception {
    relay(
        8 * 1024,
        1000,
        List.of(
            FakeRelay.encode(
                ServerMessage.Error.of(
                    ErrorCode.MESSAGE_TOO_LARGE, "message over the limit", null, null)),
            FakeRelay.CLOSE_TOO_BIG));
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    DocumentSession s = client.open("doc");
    String text = "ab😀\u0001\"".repeat(8_000); // one edit of 40,000 code points
    client.edit(s, TextOperation.splice(0, 0, 0, text));
    client.start();
    TestClient.await("synced", () -> client.status(s).isSynced());

    assertThat(acceptedText()).isEqualTo(text);
    assertThat(client.text(s)).isEqualTo(text);
    List<WireBatch> sent = submitted();
    // The refused batch is never sent unchanged again: each refusal halves what follows.
    assertThat(sent.get(0).operations()).hasSize(1);
    for (int i = 1; i < sent.size(); i++) {
      assertThat(sent.get(i)).isNotEqualTo(sent.get(0));
    }
    assertThat(sent.size()).isLessThan(40);
    // Every part went under the refused batch's number or the ones after it, in order.
    assertThat(accepted.get(0).batchSeq()).isEqualTo(sent.get(0).batchSeq());
    client.stop();
    client.store.flush().get();
    assertThat(client.store.localText("doc").get()).isEqualTo(text);
    assertThat(client.store.document("doc").get().orElseThrow().syncError()).isNull();
  }

  @Test
  void batchTooLarge_sendsTheOperationsInSeveralBatches_onTheSameConnection() throws Exception {
    relay(
        Long.MAX_VALUE,
        3,
        List.of(
            FakeRelay.encode(
                ServerMessage.Error.of(
                    ErrorCode.BATCH_TOO_LARGE, "more than 3 operations", "doc", "submit"))));
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    DocumentSession s = client.open("doc");
    for (int i = 0; i < 10; i++) {
      client.edit(s, i, 0, "x");
    }
    client.start();
    TestClient.await("synced", () -> client.status(s).isSynced());

    assertThat(acceptedText()).isEqualTo("x".repeat(10));
    assertThat(fake.connections).hasSize(1);
    assertThat(accepted).allSatisfy(b -> assertThat(b.operations().size()).isLessThanOrEqualTo(3));
  }

  @Test
  void aSmallBatchRefusedAsTooLarge_stopsTheDocument_insteadOfResendingForever() throws Exception {
    relay(
        0,
        1000,
        List.of(
            FakeRelay.encode(
                ServerMessage.Error.of(
                    ErrorCode.MESSAGE_TOO_LARGE, "message over the limit", null, null)),
            FakeRelay.CLOSE_TOO_BIG));
    client = new TestClient(dir.resolve("p"), fake.uri(), "t", "alice");
    client.addRemoteDocument("doc");
    DocumentSession s = client.open("doc");
    client.edit(s, 0, 0, "mine");
    client.start();
    TestClient.await("error", () -> client.status(s).state() == SyncStatus.State.ERROR);
    assertThat(client.status(s).error()).contains("too large").contains("cannot be sent smaller");
    assertThat(submitted()).hasSize(1);
    assertThat(client.text(s)).isEqualTo("mine");
  }
}
