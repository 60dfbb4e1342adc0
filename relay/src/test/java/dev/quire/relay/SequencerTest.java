package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.HistoryStore.StoredBatch;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** The sequencer alone: numbers and deduplication, without sockets, threads or storage. */
class SequencerTest {
  private static final ClientKey ALICE = new ClientKey("alice", "ca");
  private static final ClientKey BOB = new ClientKey("bob", "cb");

  private static WireBatch batch(String clientId, long seq, long base, int operations) {
    return new WireBatch(
        clientId, seq, base, java.util.Collections.nCopies(operations, "[\"x\"]"), 1_000L);
  }

  @Test
  void assign_givesTheRevisionsAfterTheHead_andMovesTheHeadAtOnce() {
    Sequencer s = new Sequencer(4, new HashMap<>());
    WireBatch a = batch("ca", 1, 4, 3);
    WireSequenced first = s.assign(ALICE, a, BatchDigest.of(a), 100);
    assertThat(first.firstRevision()).isEqualTo(5);
    assertThat(first.lastRevision()).isEqualTo(7);
    assertThat(first.author()).isEqualTo("alice");
    assertThat(s.head()).isEqualTo(7);

    // The next batch is numbered before the first is stored: pipelining.
    WireBatch b = batch("cb", 1, 4, 1);
    assertThat(s.assign(BOB, b, BatchDigest.of(b), 101).firstRevision()).isEqualTo(8);
    assertThat(s.head()).isEqualTo(8);
  }

  @Test
  void repeated_recognisesTheLatestBatchAndEarlierOnes_perAuthorAndClientId() {
    Sequencer s = new Sequencer(0, new HashMap<>());
    WireBatch a2 = batch("ca", 2, 0, 1);
    s.assign(ALICE, a2, BatchDigest.of(a2), 100);

    assertThat(s.repeated(ALICE, 2)).extracting(StoredBatch::firstRevision).isEqualTo(1L);
    assertThat(s.repeated(ALICE, 1)).extracting(StoredBatch::batchSeq).isEqualTo(2L);
    assertThat(s.repeated(ALICE, 3)).isNull(); // new
    assertThat(s.repeated(new ClientKey("alice", "other"), 1)).isNull();
    assertThat(s.repeated(new ClientKey("bob", "ca"), 1)).isNull(); // another user's client
  }

  @Test
  void requireSameBatch_refusesOtherContentAndBatchesSentOutOfOrder() {
    WireBatch sent = batch("ca", 2, 0, 1);
    StoredBatch stored = new StoredBatch(2, 1, 1, 100, BatchDigest.of(sent));
    Sequencer.requireSameBatch(sent, BatchDigest.of(sent), stored); // the same batch: fine

    WireBatch other = batch("ca", 2, 0, 2);
    assertThatThrownBy(() -> Sequencer.requireSameBatch(other, BatchDigest.of(other), stored))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.BATCH_CONFLICT))
        .hasMessageContaining("other content");

    WireBatch earlier = batch("ca", 1, 0, 1); // seq 1 was never stored; seq 2 was
    assertThatThrownBy(() -> Sequencer.requireSameBatch(earlier, BatchDigest.of(earlier), stored))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.BATCH_CONFLICT))
        .hasMessageContaining("in order");
  }

  @Test
  void requireKnownBase_refusesABaseBeyondTheHead() {
    Sequencer s = new Sequencer(3, new HashMap<>());
    s.requireKnownBase(batch("ca", 1, 3, 1));
    assertThatThrownBy(() -> s.requireKnownBase(batch("ca", 1, 4, 1)))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.BASE_AHEAD));
  }

  @Test
  void takeBack_returnsTheHeadAndEachClientsLatestBatch_lastFirst() {
    Sequencer s = new Sequencer(0, new HashMap<>());
    WireBatch a1 = batch("ca", 1, 0, 1);
    s.assign(ALICE, a1, BatchDigest.of(a1), 100);
    StoredBatch alicesBefore = s.latest(ALICE);
    WireBatch a2 = batch("ca", 2, 1, 2);
    WireSequenced second = s.assign(ALICE, a2, BatchDigest.of(a2), 101);
    WireBatch b1 = batch("cb", 1, 1, 1);
    WireSequenced bobs = s.assign(BOB, b1, BatchDigest.of(b1), 102);

    assertThatThrownBy(() -> s.takeBack(second, ALICE, alicesBefore))
        .isInstanceOf(IllegalStateException.class); // not the last one
    s.takeBack(bobs, BOB, null);
    s.takeBack(second, ALICE, alicesBefore);

    assertThat(s.head()).isEqualTo(1);
    assertThat(s.latest(BOB)).isNull();
    assertThat(s.repeated(ALICE, 1)).isSameAs(alicesBefore);
    assertThat(s.repeated(ALICE, 2)).isNull(); // new again: sequenced once more
  }

  @Test
  void takeIn_movesThePastAnotherWritersBatch_andKnowsItAsARepeat() {
    Sequencer s = new Sequencer(3, new HashMap<>());
    WireBatch b2 = batch("cb", 2, 3, 2);
    byte[] digest = BatchDigest.of(b2);
    s.takeIn(new WireSequenced(4, "bob", 50, b2), digest);

    assertThat(s.head()).isEqualTo(5);
    StoredBatch known = s.repeated(BOB, 2);
    assertThat(known.firstRevision()).isEqualTo(4);
    assertThat(known.digest()).isEqualTo(digest);
    // An older batch of the same client does not replace its latest.
    WireBatch b1 = batch("cb", 1, 5, 1);
    s.takeIn(new WireSequenced(6, "bob", 51, b1), BatchDigest.of(b1));
    assertThat(s.latest(BOB).batchSeq()).isEqualTo(2);
    assertThat(s.head()).isEqualTo(6);
    assertThatThrownBy(() -> s.takeIn(new WireSequenced(9, "bob", 52, b1), digest))
        .isInstanceOf(IllegalStateException.class); // a gap
  }
}
