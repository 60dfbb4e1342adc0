package dev.quire.relay.postgres;

import static dev.quire.relay.postgres.PgAppendGroupTest.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RunOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database function {@code quire_append_group}, which decides and writes a whole group of runs
 * in one call: each run's outcome (committed, duplicate, conflict with what it missed, missing or
 * deleted document), and what it leaves stored.
 */
class PgAppendFunctionTest {
  private PostgresStorage storage;

  @BeforeEach
  void open() {
    storage = PostgresStorage.open(PgUrl.of(PostgresServer.freshDatabase(), Map.of()), 4);
    storage.users().add("alice");
    for (String d : List.of("d1", "d2", "d3")) {
      storage.documents().create(d, d, "alice", 1);
    }
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private List<RunOutcome> commit(List<List<HistoryStore.Append>> runs) throws SQLException {
    try (Connection c = storage.database().connection()) {
      return PgAppendGroup.commit(c, runs);
    }
  }

  private static HistoryStore.Append withNotes(HistoryStore.Append a, String notes) {
    WireSequenced e = a.entry();
    WireBatch b = e.batch();
    WireSequenced noted =
        new WireSequenced(
            e.firstRevision(),
            e.author(),
            e.timestampMillis(),
            new WireBatch(
                b.clientId(), b.batchSeq(), b.baseRevision(), b.operations(), b.madeAt(), notes));
    return new HistoryStore.Append(a.doc(), noted, b.operations(), a.digest(), a.checkpoint());
  }

  @Test
  void aMixedGroupIsDecidedRunByRunInOneCall() throws SQLException {
    HistoryStore.Append first = append("d1", 1, "c1", 1, "[\"a\"]");
    HistoryStore.Append onD2 = append("d2", 1, "c2", 1, "[\"q\"]");
    assertThat(commit(List.of(List.of(first), List.of(onD2))))
        .containsExactly(RunOutcome.allCommitted(1), RunOutcome.allCommitted(1));
    storage.documents().markDeleted("d3", 5);

    List<RunOutcome> results =
        commit(
            List.of(
                List.of(
                    append("d1", 2, "c1", 2, "[1,\"b\"]"), append("d1", 3, "c1", 3, "[2,\"c\"]")),
                List.of(append("d2", 1, "c3", 1, "[\"x\"]"), append("d2", 2, "c3", 2, "[1,\"y\"]")),
                List.of(append("d1", 4, "c2", 5, "[3,\"z\"]"), append("d1", 5, "c1", 1, "[\"a\"]")),
                List.of(append("gone", 1, "c1", 1, "[\"z\"]")),
                List.of(append("d3", 1, "c1", 1, "[\"z\"]"))));

    assertThat(results.get(0)).isEqualTo(RunOutcome.allCommitted(2));
    // d2 is at 1: nothing of the run is stored, and it brings the batch it missed.
    assertThat(results.get(1).committed()).isZero();
    AppendOutcome.Conflict conflict = (AppendOutcome.Conflict) results.get(1).stop();
    assertThat(conflict.head()).isEqualTo(1);
    assertThat(conflict.missed())
        .singleElement()
        .satisfies(m -> assertThat(m.entry()).isEqualTo(onD2.entry()));
    // After run 0 (same group) d1 is at 3: c2's batch goes in at 4, then c1's batch 1 is a resend.
    assertThat(results.get(2).committed()).isEqualTo(1);
    HistoryStore.StoredBatch original = ((AppendOutcome.Duplicate) results.get(2).stop()).stored();
    assertThat(original.firstRevision()).isEqualTo(1);
    assertThat(original.batchSeq()).isEqualTo(1);
    assertThat(original.size()).isEqualTo(1);
    assertThat(original.timestampMillis()).isEqualTo(first.entry().timestampMillis());
    assertThat(original.digest()).isEqualTo(first.digest());
    assertThat(((AppendOutcome.Failed) results.get(3).stop()).cause())
        .hasMessageContaining("gone does not exist");
    assertThat(((AppendOutcome.Failed) results.get(4).stop()).cause())
        .hasMessageContaining("d3 is deleted");

    assertThat(storage.documents().find("d1").orElseThrow().head()).isEqualTo(4);
    assertThat(storage.documents().find("d2").orElseThrow().head()).isEqualTo(1);
    assertThat(storage.documents().find("d3").orElseThrow().head()).isZero();
    assertThat(storage.history().page("d1", 0, 100, Long.MAX_VALUE))
        .extracting(
            e -> e.batch().clientId() + "/" + e.batch().batchSeq() + "@" + e.firstRevision())
        .containsExactly("c1/1@1", "c1/2@2", "c1/3@3", "c2/5@4");
    assertThat(storage.history().latestBatches("d1"))
        .extracting(l -> l.clientId() + "/" + l.batch().batchSeq())
        .containsExactlyInAnyOrder("c1/3", "c2/5");
  }

  @Test
  void aConflictBringsTheMissedBatchesWhole_notesAndCanonicalOperationsIncluded()
      throws SQLException {
    HistoryStore.Append theirs =
        withNotes(append("d1", 1, "c1", 1, "[\"a\"]", "[1,\"b\"]"), "[{\"comment\":\"hi\"}]");
    assertThat(commit(List.of(List.of(theirs)))).containsExactly(RunOutcome.allCommitted(1));

    RunOutcome lost = commit(List.of(List.of(append("d1", 1, "c2", 1, "[\"x\"]")))).get(0);

    AppendOutcome.Conflict conflict = (AppendOutcome.Conflict) lost.stop();
    assertThat(conflict.head()).isEqualTo(2);
    assertThat(conflict.missed())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.entry()).isEqualTo(theirs.entry());
              assertThat(m.entry().batch().notes()).isEqualTo("[{\"comment\":\"hi\"}]");
              assertThat(m.canonical()).containsExactly("[\"a\"]", "[1,\"b\"]");
              assertThat(m.digest()).isEqualTo(theirs.digest());
            });
  }

  @Test
  void canonicalOperationsCheckpointsAndTheMissingCountAreStored() throws SQLException {
    HistoryStore.Append plain = append("d1", 1, "c1", 1, "[\"ab\"]", "[2,\"c\"]");
    HistoryStore.Append withCanonical =
        new HistoryStore.Append(
            "d1",
            append("d1", 3, "c1", 2, "[3,\"d\"]").entry(),
            List.of("[3,\"d\"]"),
            new byte[32],
            "abcd");

    assertThat(commit(List.of(List.of(plain, withCanonical))))
        .containsExactly(RunOutcome.allCommitted(2));

    assertThat(storage.history().missingCanonical("d1")).isEqualTo(2);
    assertThat(storage.history().canonical("d1", 3, 3)).containsExactly("[3,\"d\"]");
    assertThat(storage.history().checkpoint("d1", 3).orElseThrow().text()).isEqualTo("abcd");
    assertThat(storage.history().page("d1", 0, 10, Long.MAX_VALUE))
        .extracting(WireSequenced::lastRevision)
        .containsExactly(2L, 3L);
  }

  @Test
  void aGroupHoldingOneBatchTwiceFailsWhole_theDatabasesKeyStandsBehindTheDecision() {
    HistoryStore.Append once = append("d1", 1, "c1", 1, "[\"a\"]");
    HistoryStore.Append again = append("d1", 2, "c1", 1, "[1,\"a\"]");

    assertThatThrownBy(() -> commit(List.of(List.of(once), List.of(again))))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));

    assertThat(storage.documents().find("d1").orElseThrow().head()).isZero();
    assertThat(storage.history().page("d1", 0, 10, Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void aGroupOfManyDocumentsMovesEachHead() throws SQLException {
    List<List<HistoryStore.Append>> runs = new java.util.ArrayList<>();
    for (int d = 0; d < 12; d++) { // past the few the function updates one by one
      storage.documents().create("m" + d, "m", "alice", 1);
      runs.add(
          List.of(
              append("m" + d, 1, "c" + d, 1, "[\"a\"]"),
              append("m" + d, 2, "c" + d, 2, "[1,\"b\"]")));
    }
    runs.add(List.of(append("m0", 1, "late", 1, "[\"x\"]"))); // m0 is at 2 by then

    List<RunOutcome> results = commit(runs);

    assertThat(results.subList(0, 12)).containsOnly(RunOutcome.allCommitted(2));
    assertThat(((AppendOutcome.Conflict) results.get(12).stop()).head()).isEqualTo(2);
    for (int d = 0; d < 12; d++) {
      assertThat(storage.documents().find("m" + d).orElseThrow().head()).isEqualTo(2);
      assertThat(storage.history().missingCanonical("m" + d)).isEqualTo(2);
    }
  }

  @Test
  void anEmptyGroupDecidesNothing() throws SQLException {
    assertThat(commit(List.of())).isEmpty();
  }
}
