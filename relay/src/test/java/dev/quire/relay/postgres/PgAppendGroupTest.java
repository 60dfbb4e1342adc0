package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RunOutcome;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commit point on a real PostgreSQL: what one group of appends decides, append by append. */
class PgAppendGroupTest {
  private PgUrl url;
  private PostgresStorage storage;
  private BatchAppender appender;

  @BeforeEach
  void open() {
    url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    storage = PostgresStorage.open(url, 4);
    storage.users().add("alice");
    storage.documents().create("d1", "One", "alice", 1);
    storage.documents().create("d2", "Two", "alice", 1);
    appender = storage.startAppender(nanos -> {});
  }

  @AfterEach
  void close() {
    storage.close();
  }

  static HistoryStore.Append append(
      String doc, long first, String client, long seq, String... ops) {
    WireSequenced e =
        new WireSequenced(
            first,
            "alice",
            1000 + first,
            new WireBatch(client, seq, first - 1, List.of(ops), 900 + first));
    byte[] digest = new byte[32];
    byte[] text = (doc + client + seq + String.join(",", ops)).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(text, 0, digest, 0, Math.min(32, text.length));
    return new HistoryStore.Append(doc, e, null, digest, null);
  }

  private AppendOutcome append(HistoryStore.Append a) throws Exception {
    CompletableFuture<AppendOutcome> r = new CompletableFuture<>();
    appender.append(a, r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  @Test
  void commitsAtTheHeadAndRefusesAStaleHead() throws Exception {
    assertThat(append(append("d1", 1, "c1", 1, "[\"a\"]")))
        .isInstanceOf(AppendOutcome.Committed.class);
    assertThat(append(append("d1", 2, "c1", 2, "[1,\"b\"]", "[2,\"c\"]")))
        .isInstanceOf(AppendOutcome.Committed.class);
    AppendOutcome stale = append(append("d1", 2, "c2", 1, "[\"x\"]"));
    assertThat(stale).isInstanceOf(AppendOutcome.Conflict.class);
    assertThat(((AppendOutcome.Conflict) stale).head()).isEqualTo(3);
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(3);
    assertThat(storage.history().page("d1", 0, 100, Long.MAX_VALUE))
        .extracting(WireSequenced::firstRevision)
        .containsExactly(1L, 2L);
  }

  @Test
  void aConflictOrADuplicateDoesNotStopTheRestOfItsGroup() throws Exception {
    append(append("d1", 1, "c1", 1, "[\"a\"]"));
    try (Connection c = storage.database().connection()) {
      List<AppendOutcome> results =
          PgAppendGroup.commit(
                  c,
                  Stream.of(
                          append("d1", 2, "c1", 2, "[1,\"b\"]"),
                          append("d2", 5, "c2", 1, "[\"x\"]"), // d2 is at 0
                          append("d2", 1, "c2", 1, "[\"y\"]"),
                          append("d1", 9, "c1", 1, "[\"a\"]"), // a resend of revision 1
                          append("d1", 3, "c1", 3, "[2,\"c\"]"),
                          append("gone", 1, "c1", 1, "[\"z\"]"))
                      .map(List::of) // each a run of its own
                      .toList())
              .stream()
              .map(RunOutcome::stop)
              .toList();
      assertThat(results.get(0)).isInstanceOf(AppendOutcome.Committed.class);
      assertThat(results.get(1)).isEqualTo(new AppendOutcome.Conflict(0)); // nothing missed
      assertThat(results.get(2)).isInstanceOf(AppendOutcome.Committed.class);
      assertThat(((AppendOutcome.Duplicate) results.get(3)).stored().firstRevision()).isEqualTo(1);
      assertThat(results.get(4)).isInstanceOf(AppendOutcome.Committed.class);
      assertThat(((AppendOutcome.Failed) results.get(5)).cause())
          .hasMessageContaining("gone does not exist");
    }
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(3);
    assertThat(storage.documents().find("d2").orElseThrow().head()).isEqualTo(1);
    assertThat(storage.history().latestBatches("d1"))
        .singleElement()
        .satisfies(l -> assertThat(l.batch().batchSeq()).isEqualTo(3));
  }

  @Test
  void aBatchTheDatabaseRefusesFailsAloneAndStoresNothing() throws Exception {
    storage.documents().create("d3", "Three", "alice", 1);
    // author is VARCHAR(32): the database refuses this batch, and its transaction with it.
    HistoryStore.Append bad =
        new HistoryStore.Append(
            "d3",
            new WireSequenced(
                1, "a".repeat(33), 5, new WireBatch("c9", 1, 0, List.of("[\"x\"]"), 5)),
            null,
            new byte[32],
            null);
    List<CompletableFuture<AppendOutcome>> results = new ArrayList<>();
    long[] heads = new long[2];
    for (int i = 0; i < 40; i++) { // given at once: the appender takes them in groups
      CompletableFuture<AppendOutcome> r = new CompletableFuture<>();
      results.add(r);
      long revision = i == 21 ? 0 : ++heads[i % 2];
      appender.append(
          i == 21 ? bad : append("d" + (1 + i % 2), revision, "c" + i % 2, revision, "[1]"),
          r::complete);
    }
    for (int i = 0; i < 40; i++) {
      assertThat(results.get(i).get(30, TimeUnit.SECONDS))
          .isInstanceOf(i == 21 ? AppendOutcome.Failed.class : AppendOutcome.Committed.class);
    }
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(20);
    assertThat(storage.documents().find("d2").orElseThrow().head()).isEqualTo(19);
    assertThat(storage.documents().find("d3").orElseThrow().head()).isZero();
    assertThat(storage.history().page("d3", 0, 100, Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void aResendIsAnsweredWithItsOriginalRevisions() throws Exception {
    append(append("d1", 1, "c1", 1, "[\"a\"]"));
    append(append("d1", 2, "c2", 1, "[\"b\"]"));
    // c1 resends its batch 1, sequenced by another relay at revision 3.
    AppendOutcome r = append(append("d1", 3, "c1", 1, "[\"a\"]"));
    assertThat(r).isInstanceOf(AppendOutcome.Duplicate.class);
    assertThat(((AppendOutcome.Duplicate) r).stored().firstRevision()).isEqualTo(1);
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(2);
  }

  private RunOutcome appendRun(HistoryStore.Append... run) throws Exception {
    CompletableFuture<RunOutcome> r = new CompletableFuture<>();
    appender.appendRun(List.of(run), r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  private static HistoryStore.Append withCanonical(HistoryStore.Append a) {
    return new HistoryStore.Append(
        a.doc(), a.entry(), a.entry().batch().operations(), a.digest(), null);
  }

  @Test
  void aRunWhoseFirstBatchConflictsStoresNoneOfIt_andBringsTheBatchesItMissed() throws Exception {
    append(append("d1", 1, "c1", 1, "[\"a\"]"));
    HistoryStore.Append theirs = withCanonical(append("d1", 2, "c1", 2, "[1,\"b\"]", "[2,\"c\"]"));
    append(theirs);

    // Another relay's run, placed after revision 1 only.
    RunOutcome lost =
        appendRun(
            append("d1", 2, "c2", 1, "[1,\"x\"]"),
            append("d1", 3, "c2", 2, "[2,\"y\"]"),
            append("d1", 4, "c2", 3, "[3,\"z\"]"));

    assertThat(lost.committed()).isZero();
    AppendOutcome.Conflict conflict = (AppendOutcome.Conflict) lost.stop();
    assertThat(conflict.head()).isEqualTo(3);
    assertThat(conflict.missed())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.entry()).isEqualTo(theirs.entry());
              assertThat(m.canonical()).containsExactly("[1,\"b\"]", "[2,\"c\"]");
              assertThat(m.digest()).isEqualTo(theirs.digest());
            });
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(3);
    assertThat(storage.history().findBatchAtOrAfter("d1", "alice", "c2", 1)).isEmpty();

    // Placed after what it missed, the whole run goes in at once.
    RunOutcome again =
        appendRun(
            append("d1", 4, "c2", 1, "[3,\"x\"]"),
            append("d1", 5, "c2", 2, "[4,\"y\"]"),
            append("d1", 6, "c2", 3, "[5,\"z\"]"));
    assertThat(again).isEqualTo(RunOutcome.allCommitted(3));
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(6);
    assertThat(storage.history().latestBatches("d1"))
        .extracting(l -> l.clientId() + "/" + l.batch().batchSeq())
        .containsExactlyInAnyOrder("c1/2", "c2/3");
  }

  @Test
  void aRunStopsAtAResend_storingTheBatchesBeforeItAndNoneAfter() throws Exception {
    append(append("d1", 1, "c1", 1, "[\"a\"]"));

    RunOutcome r =
        appendRun(
            append("d1", 2, "c2", 1, "[1,\"x\"]"),
            append("d1", 3, "c1", 1, "[\"a\"]"), // stored already, at revision 1
            append("d1", 4, "c2", 2, "[3,\"y\"]"));

    assertThat(r.committed()).isEqualTo(1);
    assertThat(((AppendOutcome.Duplicate) r.stop()).stored().firstRevision()).isEqualTo(1);
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(2);
    assertThat(storage.history().findBatchAtOrAfter("d1", "alice", "c2", 2)).isEmpty();
  }

  @Test
  void aRunWithABatchPostgresCannotStoreStoresTheOnesBeforeIt() throws Exception {
    RunOutcome r =
        appendRun(
            append("d1", 1, "c1", 1, "[\"a\"]"),
            append("d1", 2, "c1", 2, "[1,\"\u0000\"]"),
            append("d1", 3, "c1", 3, "[2,\"c\"]"));

    assertThat(r.committed()).isEqualTo(1);
    assertThat(((AppendOutcome.Failed) r.stop()).cause()).hasMessageContaining("U+0000");
    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(1);
  }

  private static RunOutcome appendRun(BatchAppender.Turn to, HistoryStore.Append... run)
      throws Exception {
    CompletableFuture<RunOutcome> r = new CompletableFuture<>();
    to.appendRun(List.of(run), r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  private static RunOutcome appendRun(BatchAppender to, HistoryStore.Append... run)
      throws Exception {
    CompletableFuture<RunOutcome> r = new CompletableFuture<>();
    to.appendRun(List.of(run), r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aConflictingRunHoldsTheDocumentsNextTurn_soItsRetryGoesBeforeTheWinnersNextAppend()
      throws Exception {
    try (PostgresStorage other = PostgresStorage.open(url, 4);
        BatchAppender theirs = other.startAppender(nanos -> {})) {
      assertThat(appendRun(appender, append("d1", 1, "c1", 1, "[\"a\"]")).isComplete()).isTrue();

      RunOutcome lost = appendRun(theirs, append("d1", 1, "c2", 1, "[\"x\"]"));
      AppendOutcome.Conflict conflict = (AppendOutcome.Conflict) lost.stop();
      assertThat(conflict.turn()).isNotNull();
      assertThat(conflict.missed()).hasSize(1);
      ((PgTurn) conflict.turn()).whenLocked().get(30, TimeUnit.SECONDS);

      // The winner's next append waits while the turn is held...
      CompletableFuture<RunOutcome> winnersNext = new CompletableFuture<>();
      appender.appendRun(List.of(append("d1", 2, "c1", 2, "[1,\"b\"]")), winnersNext::complete);
      assertThatThrownBy(() -> winnersNext.get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);
      // ...and the loser's retry, placed after what it missed, goes first.
      CompletableFuture<RunOutcome> retry = new CompletableFuture<>();
      conflict.turn().appendRun(List.of(append("d1", 2, "c2", 1, "[1,\"x\"]")), retry::complete);
      assertThat(retry.get(30, TimeUnit.SECONDS)).isEqualTo(RunOutcome.allCommitted(1));
      RunOutcome second = winnersNext.get(30, TimeUnit.SECONDS);
      assertThat(second.committed()).isZero();
      assertThat(((AppendOutcome.Conflict) second.stop()).head()).isEqualTo(2);
      ((AppendOutcome.Conflict) second.stop()).turn().release();
    }
    assertThat(storage.history().page("d1", 0, 10, Long.MAX_VALUE))
        .extracting(e -> e.batch().clientId())
        .containsExactly("c1", "c2");
  }

  @Test
  void aTurnWhoseRunConflicts_keepsTheRowLocked_andHandsOverANewTurnWithWhatItMissed()
      throws Exception {
    try (PostgresStorage other = PostgresStorage.open(url, 4);
        BatchAppender theirs = other.startAppender(nanos -> {})) {
      assertThat(appendRun(appender, append("d1", 1, "c1", 1, "[\"a\"]")).isComplete()).isTrue();
      AppendOutcome.Conflict first =
          (AppendOutcome.Conflict) appendRun(theirs, append("d1", 1, "c2", 1, "[\"x\"]")).stop();
      ((PgTurn) first.turn()).whenLocked().get(30, TimeUnit.SECONDS);

      // A run placed at a head the document has left (as when another relay stored batches
      // between the group's decision and the lock) conflicts in the turn...
      RunOutcome inTurn = appendRun(first.turn(), append("d1", 1, "c2", 1, "[\"x\"]"));
      assertThat(inTurn.committed()).isZero();
      AppendOutcome.Conflict again = (AppendOutcome.Conflict) inTurn.stop();
      assertThat(again.head()).isEqualTo(1);
      assertThat(again.missed())
          .extracting(e -> e.entry().batch().clientId())
          .containsExactly("c1");
      assertThat(again.turn()).isNotNull();
      // ...and the row stays locked: the winner's next append waits for the new turn's run.
      CompletableFuture<RunOutcome> winnersNext = new CompletableFuture<>();
      appender.appendRun(List.of(append("d1", 2, "c1", 2, "[1,\"b\"]")), winnersNext::complete);
      assertThatThrownBy(() -> winnersNext.get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);
      assertThat(appendRun(again.turn(), append("d1", 2, "c2", 1, "[1,\"x\"]")))
          .isEqualTo(RunOutcome.allCommitted(1));
      RunOutcome second = winnersNext.get(30, TimeUnit.SECONDS);
      assertThat(second.committed()).isZero();
      ((AppendOutcome.Conflict) second.stop()).turn().release();
    }
    assertThat(storage.history().page("d1", 0, 10, Long.MAX_VALUE))
        .extracting(e -> e.batch().clientId())
        .containsExactly("c1", "c2");
  }

  @Test
  void aRunOfADocumentThatConflictedLately_holdsTheLockWhenItConflictsAgain() throws Exception {
    try (PostgresStorage other = PostgresStorage.open(url, 4);
        BatchAppender theirs = other.startAppender(nanos -> {})) {
      assertThat(appendRun(appender, append("d1", 1, "c1", 1, "[\"a\"]")).isComplete()).isTrue();
      ((AppendOutcome.Conflict) appendRun(theirs, append("d1", 1, "c2", 1, "[\"x\"]")).stop())
          .turn()
          .release();
      assertThat(appendRun(appender, append("d1", 2, "c1", 2, "[1,\"b\"]")).isComplete()).isTrue();

      // d1 conflicted at theirs lately: the run is written in a transaction of its own, which
      // keeps the row locked as it hands the conflict back.
      AppendOutcome.Conflict lost =
          (AppendOutcome.Conflict) appendRun(theirs, append("d1", 2, "c2", 1, "[\"x\"]")).stop();
      assertThat(lost.missed()).extracting(e -> e.entry().firstRevision()).containsExactly(2L);
      assertThat(((PgTurn) lost.turn()).whenLocked().isDone()).isTrue();
      CompletableFuture<RunOutcome> winnersNext = new CompletableFuture<>();
      appender.appendRun(List.of(append("d1", 3, "c1", 3, "[2,\"c\"]")), winnersNext::complete);
      assertThatThrownBy(() -> winnersNext.get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);
      assertThat(appendRun(lost.turn(), append("d1", 3, "c2", 1, "[2,\"x\"]")))
          .isEqualTo(RunOutcome.allCommitted(1));
      ((AppendOutcome.Conflict) winnersNext.get(30, TimeUnit.SECONDS).stop()).turn().release();
      // One that does not conflict is simply stored.
      assertThat(appendRun(theirs, append("d1", 4, "c2", 2, "[3,\"y\"]")))
          .isEqualTo(RunOutcome.allCommitted(1));
    }
    assertThat(storage.history().page("d1", 0, 10, Long.MAX_VALUE))
        .extracting(e -> e.batch().clientId())
        .containsExactly("c1", "c1", "c2", "c2");
  }

  @Test
  void aTurnNotUsedIsGivenUpAfterAWhile_andOneAppendNeverHoldsOne() throws Exception {
    try (PostgresStorage other = PostgresStorage.open(url, 4);
        BatchAppender theirs = other.startAppender(nanos -> {})) {
      append(append("d1", 1, "c1", 1, "[\"a\"]"));
      CompletableFuture<AppendOutcome> lone = new CompletableFuture<>();
      theirs.append(append("d1", 1, "c2", 1, "[\"x\"]"), lone::complete);
      assertThat(((AppendOutcome.Conflict) lone.get(30, TimeUnit.SECONDS)).turn()).isNull();

      RunOutcome lost = appendRun(theirs, append("d1", 1, "c2", 1, "[\"x\"]"));
      assertThat(((AppendOutcome.Conflict) lost.stop()).turn()).isNotNull(); // and left unused
      assertThat(append(append("d1", 2, "c1", 2, "[1,\"b\"]"))).isEqualTo(AppendOutcome.COMMITTED);
      // A run given to a turn that is over is appended as any other.
      CompletableFuture<RunOutcome> late = new CompletableFuture<>();
      ((AppendOutcome.Conflict) lost.stop())
          .turn()
          .appendRun(List.of(append("d1", 3, "c2", 1, "[2,\"x\"]")), late::complete);
      assertThat(late.get(30, TimeUnit.SECONDS).isComplete()).isTrue();
    }
  }
}
