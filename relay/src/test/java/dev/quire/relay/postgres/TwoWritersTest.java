package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two storages on one database, as two relays are: each with its own pool and appender, both
 * appending to one document at once. The database alone decides, so no revision is given twice and
 * none is skipped.
 */
class TwoWritersTest {
  private static final int BATCHES_EACH = 150;

  @Test
  void twoRelaysAppendingToOneDocumentNeverShareARevisionNorLeaveAGap() throws Exception {
    PgUrl url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    try (PostgresStorage a = PostgresStorage.open(url, 4);
        PostgresStorage b = PostgresStorage.open(url, 4)) {
      a.users().add("alice");
      a.documents().create("doc", "Shared", "alice", 1);
      ExecutorService writers = Executors.newFixedThreadPool(2);
      CountDownLatch start = new CountDownLatch(1);
      try {
        Future<Integer> conflictsA = writers.submit(() -> write(a, "relay-a", start));
        Future<Integer> conflictsB = writers.submit(() -> write(b, "relay-b", start));
        start.countDown();
        conflictsA.get(120, TimeUnit.SECONDS);
        conflictsB.get(120, TimeUnit.SECONDS);
      } finally {
        writers.shutdownNow();
      }
      assertThat(a.documents().find("doc").orElseThrow().head()).isEqualTo(2 * BATCHES_EACH);
      List<WireSequenced> history = new ArrayList<>();
      long after = 0;
      while (after < 2 * BATCHES_EACH) {
        List<WireSequenced> page = b.history().page("doc", after, 64, Long.MAX_VALUE);
        assertThat(page).isNotEmpty();
        history.addAll(page);
        after = page.get(page.size() - 1).lastRevision();
      }
      Set<String> sent = new HashSet<>();
      long expected = 1;
      for (WireSequenced e : history) {
        assertThat(e.firstRevision()).as("no gap, no revision twice").isEqualTo(expected);
        expected = e.lastRevision() + 1;
        assertThat(sent.add(e.batch().clientId() + "/" + e.batch().batchSeq()))
            .as("each batch stored once")
            .isTrue();
      }
      assertThat(sent).hasSize(2 * BATCHES_EACH);
    }
  }

  /**
   * Appends BATCHES_EACH batches of one operation as a relay does: at the head it last saw, and
   * after a conflict at the head the database reported. Returns how many conflicts it met.
   */
  private static int write(PostgresStorage storage, String client, CountDownLatch start)
      throws Exception {
    BatchAppender appender = storage.startAppender(nanos -> {});
    start.await();
    int conflicts = 0;
    long head = 0;
    for (long seq = 1; seq <= BATCHES_EACH; ) {
      HistoryStore.Append append = PgAppendGroupTest.append("doc", head + 1, client, seq, "[1]");
      CompletableFuture<AppendOutcome> outcome = new CompletableFuture<>();
      appender.append(append, outcome::complete);
      AppendOutcome r = outcome.get(30, TimeUnit.SECONDS);
      if (r instanceof AppendOutcome.Committed) {
        head = append.entry().lastRevision();
        seq++;
      } else if (r instanceof AppendOutcome.Conflict conflict) {
        head = conflict.head();
        conflicts++;
      } else {
        throw new AssertionError(client + " batch " + seq + ": " + r);
      }
    }
    return conflicts;
  }
}
