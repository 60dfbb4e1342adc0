package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch fetched from the relay is kept only when it is the one the profile's history holds at its
 * revisions: same author, device, batch number, base revision and size.
 */
class SealedBackfillTest {
  private static final String SEALED = "{\"epoch\":1,\"sealed\":\"AAAA\",\"signature\":\"BBBB\"}";

  /** Revisions 5..7 as one batch of alice's device c-1, number 3, on base 4; then revision 8. */
  private static final List<Revision> MINE =
      List.of(
          revision(5, 5, "alice", "c-1", 3),
          revision(6, 5, "alice", "c-1", 3),
          revision(7, 5, "alice", "c-1", 3),
          revision(8, 8, "bob", "c-2", 1));

  private static Revision revision(long r, long first, String author, String client, long seq) {
    TextOperation op = TextOperation.splice(0, 0, 0, "x");
    return new Revision(r, first - 1, first, author, client, seq, 1_000, 900, op, op);
  }

  private static WireSequenced batch(
      long first, String author, String client, long seq, long base, int size) {
    List<String> ops = new java.util.ArrayList<>(List.of(SEALED));
    for (int i = 1; i < size; i++) {
      ops.add("0");
    }
    return new WireSequenced(first, author, 1_000, new WireBatch(client, seq, base, ops, 900));
  }

  @Test
  void theBatchTheProfileHolds_isKept() {
    assertThat(SealedBackfill.differs(MINE, batch(5, "alice", "c-1", 3, 4, 3))).isNull();
  }

  @Test
  void anotherBatchAtTheSameRevision_isRefusedNamingIt() {
    for (WireSequenced other :
        List.of(
            batch(5, "mallory", "c-1", 3, 4, 3),
            batch(5, "alice", "c-9", 3, 4, 3),
            batch(5, "alice", "c-1", 4, 4, 3),
            batch(5, "alice", "c-1", 3, 3, 3),
            batch(5, "alice", "c-1", 3, 4, 2),
            batch(5, "alice", "c-1", 3, 4, 4))) {
      assertThat(SealedBackfill.differs(MINE, other))
          .as(other.toString())
          .isEqualTo(
              "the relay's batch at revision 5 is not the one this profile's history holds"
                  + " there; nothing of it was kept");
    }
    assertThat(SealedBackfill.differs(MINE.subList(1, 4), batch(6, "alice", "c-1", 3, 4, 2)))
        .as("a batch starting inside one of the profile's")
        .isNotNull();
    assertThat(SealedBackfill.differs(List.of(), batch(5, "alice", "c-1", 3, 4, 3)))
        .as("revisions the profile does not have")
        .isNotNull();
  }
}
