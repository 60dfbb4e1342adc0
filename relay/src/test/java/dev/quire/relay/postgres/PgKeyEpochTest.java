package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.KeyEnvelope;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.PayloadKind;
import dev.quire.relay.store.RunOutcome;
import java.sql.Connection;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two relays on one PostgreSQL and an encrypted document: the epoch a batch is sealed under is
 * checked where the database decides its append, so a rotation committed through one relay makes
 * the other's appends of batches sealed before it stale, whatever that relay last read.
 */
class PgKeyEpochTest {
  private PgUrl url;
  private PostgresStorage mine;
  private PostgresStorage theirs;
  private BatchAppender appender;

  @BeforeEach
  void open() {
    url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    mine = PostgresStorage.open(url, 4);
    theirs = PostgresStorage.open(url, 4);
    mine.users().add("alice");
    mine.documents().create("e", "Secret", "alice", 1, PayloadKind.ENCRYPTED);
    appender = mine.startAppender(nanos -> {});
  }

  @AfterEach
  void close() {
    appender.close();
    mine.close();
    theirs.close();
  }

  private static HistoryStore.Append sealed(long first, long seq, long epoch) {
    HistoryStore.Append a = PgAppendGroupTest.append("e", first, "c1", seq, "[\"sealed\"]");
    return new HistoryStore.Append(a.doc(), a.entry(), null, a.digest(), null, epoch);
  }

  private AppendOutcome append(HistoryStore.Append a) throws Exception {
    CompletableFuture<AppendOutcome> r = new CompletableFuture<>();
    appender.append(a, r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  private RunOutcome appendRun(HistoryStore.Append... run) throws Exception {
    CompletableFuture<RunOutcome> r = new CompletableFuture<>();
    appender.appendRun(List.of(run), r::complete);
    return r.get(30, TimeUnit.SECONDS);
  }

  private void rotateTo(PostgresStorage through, long epoch) {
    KeyEnvelope e =
        new KeyEnvelope(epoch, "alice", "c1", Base64.getEncoder().encodeToString(new byte[80]));
    assertThat(through.keys().seal("e", epoch, true, "alice", "c1", List.of(e))).isTrue();
  }

  private long head() {
    return mine.documents().find("e").orElseThrow().head();
  }

  @Test
  void aBatchSealedBeforeARotationThroughAnotherRelay_isStale_andNothingOfItsRunAfterIsStored()
      throws Exception {
    assertThat(append(sealed(1, 1, 1))).isEqualTo(AppendOutcome.COMMITTED);
    rotateTo(theirs, 2);

    assertThat(append(sealed(2, 2, 1))).isEqualTo(new AppendOutcome.StaleEpoch(2));
    assertThat(head()).isEqualTo(1);
    // A run stops at its first stale batch: the ones before it are stored, none after it.
    RunOutcome run = appendRun(sealed(2, 2, 2), sealed(3, 3, 1), sealed(4, 4, 2));
    assertThat(run.committed()).isEqualTo(1);
    assertThat(run.stop()).isEqualTo(new AppendOutcome.StaleEpoch(2));
    assertThat(head()).isEqualTo(2);
    // A resend is answered as one, whatever epoch it was sealed under.
    assertThat(append(sealed(3, 1, 1))).isInstanceOf(AppendOutcome.Duplicate.class);
    assertThat(append(sealed(3, 3, 2))).isEqualTo(AppendOutcome.COMMITTED);
    assertThat(mine.history().page("e", 0, 100)).hasSize(3);
  }

  @Test
  void aRotationWaitsForAnAppendHoldingTheDocument_soItCannotSlipBetweenTheCheckAndTheCommit()
      throws Exception {
    try (Connection c = theirs.database().connection()) {
      c.setAutoCommit(false);
      PgAppendGroup.lock(c, "e"); // as an append deciding under the row's lock
      CompletableFuture<Void> rotated = CompletableFuture.runAsync(() -> rotateTo(mine, 2));
      assertThatThrownBy(() -> rotated.get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);
      c.rollback();
      rotated.get(30, TimeUnit.SECONDS);
    }
    assertThat(mine.keys().epoch("e")).isEqualTo(2);
  }
}
