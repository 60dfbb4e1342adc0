package dev.quire.relay;

import static dev.quire.relay.ActorFixture.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.ActorFixture.ScriptedAppender;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document's submits against a storage with other writers, without a network: the test decides
 * each run as a shared database would (committed, conflict with the batches missed, failed).
 */
class DocumentSubmitsTest {
  @TempDir Path dir;
  private ActorFixture f;

  @BeforeEach
  void start() {
    f = new ActorFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void aConflict_takesTheRunBack_takesInWhatWasMissed_andPlacesTheSubmitAfterIt_withoutReading()
      throws InterruptedException {
    WireBatch mine = insert("ca", 1, 0, 0, "a");
    f.submit("r1", mine);
    ScriptedAppender.Run first = f.appender.next();
    assertThat(first.appends()).extracting(a -> a.entry().firstRevision()).containsExactly(1L);
    assertThat(f.stateReads).hasValue(1);

    // Carol's batch took revision 1 at the database; the conflict brings it back.
    WireBatch hers = insert("cc", 1, 0, 0, "c");
    HistoryStore.StoredEntry missed =
        new HistoryStore.StoredEntry(
            new WireSequenced(1, "carol", 2_000, hers), hers.operations(), BatchDigest.of(hers));
    first.callback().done(new RunOutcome(0, new AppendOutcome.Conflict(1, List.of(missed))));

    ScriptedAppender.Run again = f.appender.next();
    Append placed = again.appends().get(0);
    assertThat(placed.entry().firstRevision()).isEqualTo(2);
    assertThat(placed.entry().batch().batchSeq()).isEqualTo(1);
    again.callback().done(RunOutcome.allCommitted(1));

    ServerMessage.Ack ack = f.expect(ServerMessage.Ack.class);
    assertThat(ack.firstRevision()).isEqualTo(2);
    assertThat(f.stateReads).as("taken in from the conflict, not read again").hasValue(1);

    // A resend of it is answered with its revisions, and reaches no storage.
    f.submit("r2", mine);
    assertThat(f.expect(ServerMessage.Ack.class).firstRevision()).isEqualTo(2);
    assertThat(f.appender.runs).isEmpty();
  }

  @Test
  void aFailedRun_isAnsweredInternal_andTheDocumentIsReadAgainForTheNextSubmit()
      throws InterruptedException {
    f.submit("r1", insert("ca", 1, 0, 0, "a"));
    f.appender
        .next()
        .callback()
        .done(new RunOutcome(0, new AppendOutcome.Failed(new StoreException("disk gone"))));

    ServerMessage.Error error = f.expect(ServerMessage.Error.class);
    assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(error.message()).contains("disk gone");

    f.submit("r2", insert("ca", 1, 0, 0, "a")); // sent again: nothing of it was stored
    ScriptedAppender.Run again = f.appender.next();
    assertThat(again.appends().get(0).entry().firstRevision()).isEqualTo(1);
    assertThat(f.stateReads).hasValue(2);
    again.callback().done(RunOutcome.allCommitted(1));
    assertThat(f.expect(ServerMessage.Ack.class).firstRevision()).isEqualTo(1);
  }
}
