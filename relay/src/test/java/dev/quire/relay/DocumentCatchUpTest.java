package dev.quire.relay;

import static dev.quire.relay.ActorFixture.DOC;
import static dev.quire.relay.ActorFixture.insert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore.Append;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document hearing that another relay process stored batches of it, without a network: what it
 * takes in from the batches alone, and when it reads its state again instead.
 */
class DocumentCatchUpTest {
  @TempDir Path dir;
  private ActorFixture f;

  @BeforeEach
  void start() throws InterruptedException {
    f = new ActorFixture(dir);
    f.submit("r1", insert("ca", 1, 0, 0, "a"));
    f.appender.commitNext(f.store);
    assertThat(f.expect(ServerMessage.Ack.class).firstRevision()).isEqualTo(1);
    assertThat(f.stateReads).hasValue(1);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** Stores {@code wb} at revision {@code first} as another relay process would. */
  private void storeElsewhere(long first, WireBatch wb) {
    f.store
        .history()
        .append(
            new Append(
                DOC,
                new WireSequenced(first, "carol", 2_000, wb),
                wb.operations(),
                BatchDigest.of(wb),
                null));
  }

  private void moved(long head) {
    f.actor.run(null, RequestHeader.of("moved"), x -> f.actor.moved(head));
  }

  /** Alice's next batch (after revision {@code base}): the revision it is placed at. */
  private long nextPlacedAt(long base, int length) throws InterruptedException {
    f.submit("r2", insert("ca", 2, base, length, "b"));
    var run = f.appender.next();
    return run.appends().get(0).entry().firstRevision();
  }

  @Test
  void aFewBatchesStoredElsewhere_areTakenIn_withoutReadingTheState() throws InterruptedException {
    storeElsewhere(2, insert("cc", 1, 1, 1, "c"));
    moved(2);

    assertThat(nextPlacedAt(2, 2)).isEqualTo(3);
    assertThat(f.stateReads).hasValue(1);
  }

  @Test
  void manyBatchesStoredElsewhere_makeItReadTheStateAgain() throws InterruptedException {
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < 2100; i++) { // beyond what is taken in one by one
      ops.add(OperationCodec.toJson(TextOperation.builder().retain(1 + i).insert("c").build()));
    }
    storeElsewhere(2, new WireBatch("cc", 1, 1, ops, 1_000L));
    moved(2101);

    assertThat(nextPlacedAt(2101, 2101)).isEqualTo(2102);
    assertThat(f.stateReads).hasValue(2);
  }

  @Test
  void aNoticeOfAHeadItHolds_changesNothing() throws InterruptedException {
    moved(1);

    assertThat(nextPlacedAt(1, 1)).isEqualTo(2);
    assertThat(f.stateReads).hasValue(1);
  }
}
