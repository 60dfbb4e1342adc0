package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The choices a history page makes, alone: where a snapshot starts and where the page stops. */
class DocumentHistoryTest {

  /**
   * A history with checkpoints at the keys of {@code checkpoints}, each mapped to the lowest base
   * revision of the batches after it (absent: none after it).
   */
  private static HistoryStore history(Map<Long, Long> checkpoints) {
    TreeMap<Long, Long> cps = new TreeMap<>(checkpoints);
    return (HistoryStore)
        Proxy.newProxyInstance(
            HistoryStore.class.getClassLoader(),
            new Class<?>[] {HistoryStore.class},
            (proxy, method, args) -> {
              long revision = (Long) args[1];
              switch (method.getName()) {
                case "checkpointAtOrBefore":
                  Long c = cps.floorKey(revision);
                  return c == null ? OptionalLong.empty() : OptionalLong.of(c);
                case "minBaseAfter":
                  Long base = cps.get(revision);
                  return base == null ? OptionalLong.empty() : OptionalLong.of(base);
                default:
                  throw new UnsupportedOperationException(method.getName());
              }
            });
  }

  private static WireSequenced batch(long first, int operations) {
    return new WireSequenced(
        first,
        "alice",
        1,
        new WireBatch("ca", first, first - 1, java.util.Collections.nCopies(operations, "1"), 1));
  }

  @Test
  void upTo_dropsTheBatchesBeyondTheHead() {
    List<WireSequenced> page = List.of(batch(1, 2), batch(3, 1), batch(4, 3));
    assertThat(DocumentHistory.upTo(6, page)).isSameAs(page);
    assertThat(DocumentHistory.upTo(5, page)).containsExactly(batch(1, 2), batch(3, 1));
    assertThat(DocumentHistory.upTo(0, page)).isEmpty();
  }

  @Test
  void snapshot_isTheLatestCheckpointThatSkipsAPage_andThatNoLaterBatchIsBasedBefore() {
    // Every batch after 300 is based on 300 or later: readers may start there.
    assertThat(DocumentHistory.snapshotRevision(history(Map.of(300L, 300L)), "d", 0, 350, 100))
        .hasValue(300);
    // A batch after 300 was based on 150: the checkpoint at or before 150 is the one to start at.
    assertThat(
            DocumentHistory.snapshotRevision(
                history(Map.of(100L, 120L, 300L, 150L)), "d", 0, 350, 100))
        .hasValue(100);
  }

  @Test
  void noSnapshot_whenItWouldSkipLessThanAPage_orThereIsNoCheckpoint() {
    assertThat(DocumentHistory.snapshotRevision(history(Map.of(300L, 300L)), "d", 250, 350, 100))
        .isEmpty();
    assertThat(DocumentHistory.snapshotRevision(history(Map.of()), "d", 0, 350, 100)).isEmpty();
    // Going back for an early base leaves too little to skip.
    assertThat(
            DocumentHistory.snapshotRevision(
                history(Map.of(100L, 20L, 300L, 150L)), "d", 50, 350, 100))
        .isEmpty();
  }
}
