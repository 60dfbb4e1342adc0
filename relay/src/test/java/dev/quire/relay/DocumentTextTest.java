package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.PayloadKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head text a readable document's sequencer keeps, and when it asks for a checkpoint. */
class DocumentTextTest {
  @TempDir Path dir;

  /** A character typed at the end of a text of {@code length}. */
  private static TextOperation typed(int length) {
    TextOperation.Builder b = TextOperation.builder();
    if (length > 0) {
      b.retain(length);
    }
    return b.insert("x").build();
  }

  @Test
  void manySmallOperationsSinceTheCheckpoint_loadInPages_andTheNextCheckpointFollowsThem()
      throws Exception {
    int revisions = 25_000; // more than a load page, no checkpoint
    try (EmbeddedStorage store = EmbeddedStorage.open(dir, 2)) {
      store.users().add("alice");
      store.documents().create("doc", "T", "alice", 1, PayloadKind.READABLE);
      for (int first = 1; first <= revisions; first += 1000) {
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          ops.add(OperationCodec.toJson(typed(first - 1 + i)));
        }
        WireSequenced e =
            new WireSequenced(first, "alice", 1, new WireBatch("c", first, first - 1, ops, 1_000L));
        store.history().append(new HistoryStore.Append("doc", e, ops, new byte[32], null));
      }

      DocumentText t = DocumentText.load("doc", store.history(), revisions, 1000);

      assertThat(t.text()).hasSize(revisions).matches("x+");
      assertThat(t.head()).isEqualTo(revisions);
      assertThat(t.operation(revisions)).isEqualTo(typed(revisions - 1));
      assertThat(t.operation(1)).as("read back from the store").isEqualTo(typed(0));
      CheckpointPolicy policy = new CheckpointPolicy(1000);
      assertThat(t.checkpointDue(policy, List.of(typed(revisions))))
          .as("25,000 revisions of 3 since the start, over a text of 25,001")
          .isTrue();
      t.applied(List.of(typed(revisions)));
      t.checkpointed();
      assertThat(t.checkpointDue(policy, List.of(typed(revisions + 1))))
          .as("just after a checkpoint")
          .isFalse();
    }
  }
}
