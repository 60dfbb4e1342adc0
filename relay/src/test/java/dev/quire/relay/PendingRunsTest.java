package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.PendingRuns.Placed;
import dev.quire.relay.PendingRuns.TakeIn;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.PayloadKind;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * What becomes of a shared document's sequenced batches when a run is decided, alone: without
 * sockets, threads or storage.
 */
class PendingRunsTest {
  private static final String DOC = "d";
  private static final ClientKey ALICE = new ClientKey("alice", "ca");
  private static final ClientKey CAROL = new ClientKey("carol", "cc");
  private static final PayloadPolicy READABLE = PayloadPolicy.of(PayloadKind.READABLE, 1000);

  /** A history with nothing in it: the head text of a new document is read from it. */
  private static final HistoryStore EMPTY_HISTORY =
      (HistoryStore)
          Proxy.newProxyInstance(
              HistoryStore.class.getClassLoader(),
              new Class<?>[] {HistoryStore.class},
              (proxy, method, args) -> {
                if (method.getName().equals("checkpointAtOrBefore")) {
                  return OptionalLong.empty();
                }
                throw new UnsupportedOperationException(method.getName());
              });

  private static SequencerState readableAtZero() {
    return new SequencerState(
        DocumentText.load(DOC, EMPTY_HISTORY, 0, 100), null, new Sequencer(0, new HashMap<>()));
  }

  private static SequencerState opaqueAt(long head) {
    return new SequencerState(null, null, new Sequencer(head, new HashMap<>()));
  }

  private static String insert(int length, int at, String text) {
    return OperationCodec.toJson(TextOperation.splice(length, at, 0, text));
  }

  private static DocumentRow rowAt(long head) {
    return new DocumentRow(DOC, "t", "alice", 1, head, 10 + head, null, PayloadKind.READABLE);
  }

  /** Sequences {@code wb} of {@code client} as a submit to a shared document does. */
  private static Placed place(
      SequencerState st, PayloadPolicy policy, ClientKey client, WireBatch wb, long epoch) {
    Sequencer sequencer = st.sequencer();
    PayloadPolicy.Prepared prepared = policy.prepare(st, sequencer.head(), wb);
    HistoryStore.StoredBatch previous = sequencer.latest(client);
    DocumentRow before = rowAt(sequencer.head());
    byte[] digest = BatchDigest.of(wb);
    WireSequenced entry = sequencer.assign(client, wb, digest, 1_000);
    policy.placedPending(st, prepared);
    HistoryStore.Append append =
        new HistoryStore.Append(DOC, entry, prepared.canonicalJson(), digest, null);
    return new Placed(null, "r" + wb.batchSeq(), entry, append, client, previous, before, epoch);
  }

  /** A batch another writer stored at revision {@code first}, as a conflict brings it back. */
  private static HistoryStore.StoredEntry stored(long first, ClientKey client, WireBatch wb) {
    WireSequenced entry = new WireSequenced(first, client.author(), 2_000, wb);
    return new HistoryStore.StoredEntry(entry, wb.operations(), BatchDigest.of(wb));
  }

  @Test
  void add_saysWhichBatchStartsARun_andTakeRunHandsThemOverInOrderOnce() {
    PendingRuns runs = new PendingRuns();
    SequencerState st = opaqueAt(0);
    Placed a =
        place(st, PayloadPolicy.OPAQUE, ALICE, new WireBatch("ca", 1, 0, List.of("1"), 1), 1);
    Placed b =
        place(st, PayloadPolicy.OPAQUE, ALICE, new WireBatch("ca", 2, 1, List.of("2"), 1), 1);

    assertThat(runs.add(a)).isTrue();
    assertThat(runs.add(b)).isFalse();
    assertThat(runs.takeRun()).containsExactly(a, b);
    assertThat(runs.takeRun()).isEmpty();
    assertThat(runs.add(b)).isTrue(); // the next run starts afresh
  }

  @Test
  void stored_movesTheHeadTextOnlyForBatchesOfTheCurrentLoad() {
    SequencerState st = readableAtZero();
    Placed a =
        place(st, READABLE, ALICE, new WireBatch("ca", 1, 0, List.of(insert(0, 0, "a")), 1), 1);
    Placed b =
        place(st, READABLE, ALICE, new WireBatch("ca", 2, 1, List.of(insert(1, 1, "b")), 1), 1);
    assertThat(st.text().text()).isEmpty(); // both pending
    assertThat(st.text().head()).isEqualTo(2);

    PendingRuns.stored(List.of(a, b), 1, st, READABLE, 1);
    assertThat(st.text().text()).isEqualTo("a");

    PendingRuns.stored(List.of(b), 1, st, READABLE, 2); // sequenced before a reload: stale
    assertThat(st.text().text()).isEqualTo("a");
  }

  @Test
  void takeBack_returnsTheSequencerAndTheHeadTextToBeforeTheRun() {
    SequencerState st = readableAtZero();
    Placed a =
        place(st, READABLE, ALICE, new WireBatch("ca", 1, 0, List.of(insert(0, 0, "a")), 1), 1);
    Placed b =
        place(st, READABLE, ALICE, new WireBatch("ca", 2, 1, List.of(insert(1, 1, "b")), 1), 1);

    DocumentRow before = PendingRuns.takeBack(st, READABLE, List.of(a, b));

    assertThat(before).isEqualTo(rowAt(0));
    assertThat(st.sequencer().head()).isZero();
    assertThat(st.sequencer().latest(ALICE)).isNull(); // as before its first batch
    assertThat(st.sequencer().repeated(ALICE, 1)).isNull(); // a new batch again
    assertThat(st.text().head()).isZero();
  }

  @Test
  void takeBack_restoresTheClientsEarlierBatch_andRefusesWhatIsNotTheLastSequenced() {
    SequencerState st = opaqueAt(3);
    Placed a =
        place(st, PayloadPolicy.OPAQUE, ALICE, new WireBatch("ca", 1, 3, List.of("1"), 1), 1);
    Placed b =
        place(st, PayloadPolicy.OPAQUE, ALICE, new WireBatch("ca", 2, 4, List.of("2"), 1), 1);

    // a alone is not the last one sequenced: b is after it.
    assertThat(PendingRuns.takeBack(st, PayloadPolicy.OPAQUE, List.of(a))).isNull();
    assertThat(PendingRuns.takeBack(null, PayloadPolicy.OPAQUE, List.of(b))).isNull();

    assertThat(PendingRuns.takeBack(st, PayloadPolicy.OPAQUE, List.of(b))).isEqualTo(rowAt(4));
    assertThat(st.sequencer().head()).isEqualTo(4);
    assertThat(st.sequencer().latest(ALICE).batchSeq()).isEqualTo(1); // a is its latest again
  }

  @Test
  void afterAConflict_theRunIsTakenBack_theMissedBatchTakenIn_andTheSubmitPlacedAfterIt() {
    SequencerState st = readableAtZero();
    WireBatch mine = new WireBatch("ca", 1, 0, List.of(insert(0, 0, "a")), 1);
    Placed a = place(st, READABLE, ALICE, mine, 1);
    assertThat(a.entry().firstRevision()).isEqualTo(1);

    // Carol's batch took revision 1 at the database.
    WireBatch hers = new WireBatch("cc", 1, 0, List.of(insert(0, 0, "c")), 1);
    List<WireSequenced> sent = new ArrayList<>();
    assertThat(PendingRuns.takeBack(st, READABLE, List.of(a))).isNotNull();
    TakeIn result =
        PendingRuns.takeIn(
            st, READABLE, Long.MAX_VALUE, List.of(stored(1, CAROL, hers)), 1, sent::add);

    assertThat(result).isEqualTo(TakeIn.TAKEN);
    assertThat(sent).extracting(WireSequenced::author).containsExactly("carol");
    assertThat(st.sequencer().head()).isEqualTo(1);
    assertThat(st.text().text()).isEqualTo("c");
    assertThat(st.sequencer().repeated(CAROL, 1)).isNotNull(); // her resend is recognised

    Placed again = place(st, READABLE, ALICE, mine, 1); // the submit runs again
    assertThat(again.entry().firstRevision()).isEqualTo(2);
    PendingRuns.stored(List.of(again), 1, st, READABLE, 1);
    assertThat(st.text().text()).hasSize(2).contains("a", "c");
  }

  @Test
  void takeIn_changesNothing_whenTheBatchesDoNotFollowOnOrEndElsewhere() {
    SequencerState st = opaqueAt(4);
    WireBatch one = new WireBatch("cc", 1, 4, List.of("1"), 1);
    WireBatch two = new WireBatch("cc", 2, 5, List.of("2", "3"), 1);
    List<WireSequenced> sent = new ArrayList<>();

    // A gap: revision 5 is missing.
    assertThat(
            PendingRuns.takeIn(
                st,
                PayloadPolicy.OPAQUE,
                Long.MAX_VALUE,
                List.of(stored(6, CAROL, two)),
                7,
                sent::add))
        .isEqualTo(TakeIn.NOT_FOLLOWING);
    // They end before the head the storage reported.
    assertThat(
            PendingRuns.takeIn(
                st,
                PayloadPolicy.OPAQUE,
                Long.MAX_VALUE,
                List.of(stored(5, CAROL, one)),
                7,
                sent::add))
        .isEqualTo(TakeIn.NOT_FOLLOWING);
    // The subscribers lack revisions before these.
    assertThat(
            PendingRuns.takeIn(
                st, PayloadPolicy.OPAQUE, 3, List.of(stored(5, CAROL, one)), 5, sent::add))
        .isEqualTo(TakeIn.NOT_FOLLOWING);
    assertThat(sent).isEmpty();
    assertThat(st.sequencer().head()).isEqualTo(4);

    assertThat(
            PendingRuns.takeIn(
                st,
                PayloadPolicy.OPAQUE,
                4,
                List.of(stored(5, CAROL, one), stored(6, CAROL, two)),
                7,
                sent::add))
        .isEqualTo(TakeIn.TAKEN);
    assertThat(sent).extracting(WireSequenced::lastRevision).containsExactly(5L, 7L);
    assertThat(st.sequencer().head()).isEqualTo(7);
    assertThat(st.sequencer().latest(CAROL).batchSeq()).isEqualTo(2);
  }

  @Test
  void takeIn_inAReadableDocument_needsCanonicalOperations_andLosesTheStateOnOnesThatDoNotFit() {
    SequencerState st = readableAtZero();
    WireBatch fits = new WireBatch("cc", 1, 0, List.of(insert(0, 0, "c")), 1);
    WireBatch doesNot = new WireBatch("cc", 2, 1, List.of(insert(5, 0, "x")), 1);
    WireSequenced bare = new WireSequenced(1, "carol", 2_000, fits);
    List<WireSequenced> sent = new ArrayList<>();

    HistoryStore.StoredEntry uncanonical =
        new HistoryStore.StoredEntry(bare, null, BatchDigest.of(fits));
    assertThat(PendingRuns.takeIn(st, READABLE, Long.MAX_VALUE, List.of(uncanonical), 1, sent::add))
        .isEqualTo(TakeIn.NOT_FOLLOWING);
    assertThat(sent).isEmpty();

    TakeIn result =
        PendingRuns.takeIn(
            st,
            READABLE,
            Long.MAX_VALUE,
            List.of(stored(1, CAROL, fits), stored(2, CAROL, doesNot)),
            2,
            sent::add);
    assertThat(result).isEqualTo(TakeIn.STATE_LOST);
    assertThat(sent).hasSize(1); // the first went in before the second could not
  }
}
