package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.SyncCodec;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ClientSyncTest {

  /** One replica: its log, its sync state machine and its local text. */
  static final class Replica {
    final String author;
    final MemoryLog log;
    ClientSync sync;
    String text;

    Replica(String author, String clientId, int maxBatchOperations) {
      this(author, new MemoryLog(), "", clientId, maxBatchOperations);
    }

    private Replica(String author, MemoryLog log, String text, String clientId, int max) {
      this.author = author;
      this.log = log;
      this.text = text;
      this.sync = new ClientSync(clientId, log, max);
    }

    /** Types: deletes {@code delete} code points at {@code position} and inserts {@code insert}. */
    TextOperation edit(int position, int delete, String insert) {
      TextOperation op = TextOperation.splice(sync.localLength(), position, delete, insert);
      text = op.apply(text);
      sync.localEdit(op);
      return op;
    }

    Delivery receive(SequencedBatch s) {
      Delivery d = sync.receive(s);
      for (TextOperation op : d.toApply()) {
        text = op.apply(text);
      }
      return d;
    }

    Delivery ack(SequencedBatch s) {
      Delivery d =
          sync.acknowledge(
              s.batch().batchSeq(), s.firstRevision(), s.author(), s.timestampMillis());
      assertThat(d.toApply()).isEmpty();
      return d;
    }

    Batch send() {
      return sync.nextBatch().orElseThrow();
    }

    /** Catches up from the sequencer. */
    void catchUp(MemorySequencer sequencer) {
      for (SequencedBatch s : sequencer.batchesAfter(sync.revision())) {
        assertThat(receive(s).status()).isEqualTo(Delivery.Status.APPLIED);
      }
    }

    int codePoints() {
      return text.codePointCount(0, text.length());
    }
  }

  private final MemorySequencer sequencer = new MemorySequencer();

  /** Submits what {@code r} has to send, acknowledges it, and returns its placement. */
  private SequencedBatch sendAndAck(Replica r) {
    SequencedBatch s = sequencer.submit(r.author, r.send(), 0);
    assertThat(r.ack(s).status()).isEqualTo(Delivery.Status.APPLIED);
    return s;
  }

  private void assertConverged(Replica... replicas) {
    for (Replica r : replicas) {
      r.catchUp(sequencer);
      assertThat(r.sync.isSynchronised()).as(r.author + " synchronised").isTrue();
      assertThat(r.text).as(r.author + " text").isEqualTo(sequencer.text());
      assertThat(r.log.operations()).as(r.author + " log").isEqualTo(sequencer.log().operations());
      assertThat(r.sync.localLength()).isEqualTo(r.codePoints());
    }
  }

  @Nested
  class Construction {
    @Test
    void a_new_client_starts_at_the_head_with_nothing_unsent() {
      sequencer.submit(
          "bob", new Batch("b", 1, 0, List.of(TextOperation.splice(0, 0, 0, "héllo 🌍"))), 0);
      MemoryLog log = new MemoryLog();
      log.append(sequencer.log().batches().get(0), sequencer.log().operations());
      ClientSync sync = new ClientSync("c1", log, 3);
      assertThat(sync.clientId()).isEqualTo("c1");
      assertThat(sync.revision()).isEqualTo(1);
      assertThat(sync.localLength()).isEqualTo(7);
      assertThat(sync.isSynchronised()).isTrue();
      assertThat(sync.unacknowledgedCount()).isZero();
      assertThat(sync.inFlight()).isEmpty();
      assertThat(sync.nextBatch()).isEmpty();
      assertThat(sync.state()).isEqualTo(new ClientState("c1", 1, 1, null, List.of(), List.of()));
    }

    @Test
    void refuses_a_max_batch_size_below_one() {
      assertThatThrownBy(() -> new ClientSync("c1", new MemoryLog(), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxBatchOperations must be positive");
    }

    @Test
    void refuses_a_missing_or_blank_client_id_before_any_edit_is_queued() {
      assertThatThrownBy(() -> new ClientSync(null, new MemoryLog(), 1))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> new ClientSync(" ", new MemoryLog(), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("clientId must not be blank");
      assertThatThrownBy(() -> new ClientSync("c", null, 1))
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  class LocalEdits {
    @Test
    void a_local_edit_while_synchronised_is_sent_at_once() {
      Replica alice = new Replica("alice", "a1", 4);
      TextOperation op = alice.edit(0, 0, "hi 👋🏽");
      assertThat(alice.sync.isSynchronised()).isFalse();
      assertThat(alice.sync.unacknowledgedCount()).isEqualTo(1);
      assertThat(alice.sync.localLength()).isEqualTo(5).isEqualTo(alice.codePoints());

      Batch batch = alice.send();
      assertThat(batch).isEqualTo(new Batch("a1", 1, 0, List.of(op)));
      assertThat(alice.sync.inFlight()).containsSame(batch);
      assertThat(alice.sync.unacknowledgedCount()).isEqualTo(1);

      SequencedBatch s = sequencer.submit("alice", batch, 42);
      assertThat(alice.ack(s).status()).isEqualTo(Delivery.Status.APPLIED);
      assertThat(alice.sync.isSynchronised()).isTrue();
      assertThat(alice.sync.revision()).isEqualTo(1);
      assertThat(alice.sync.inFlight()).isEmpty();
      assertThat(alice.log.batches()).containsExactly(s);
      assertThat(alice.text).isEqualTo(sequencer.text()).isEqualTo("hi 👋🏽");
    }

    @Test
    void refuses_an_edit_that_does_not_fit_the_local_document_and_keeps_its_state() {
      Replica alice = new Replica("alice", "a1", 4);
      alice.edit(0, 0, "abc");
      ClientState before = alice.sync.state();
      assertThatThrownBy(() -> alice.sync.localEdit(TextOperation.splice(2, 0, 0, "x")))
          .isInstanceOf(OperationMismatchException.class)
          .hasMessage(
              "local edit expects a document of 2 code points but the local document has 3");
      // UTF-16 length is not the unit: "👍" is one code point.
      alice.edit(3, 0, "👍");
      assertThatThrownBy(() -> alice.sync.localEdit(TextOperation.splice(5, 0, 0, "x")))
          .isInstanceOf(OperationMismatchException.class);
      assertThat(alice.sync.state().queued()).hasSize(before.queued().size() + 1);
      assertThat(alice.sync.localLength()).isEqualTo(4);
    }

    @Test
    void a_no_op_edit_is_not_queued() {
      Replica alice = new Replica("alice", "a1", 4);
      alice.sync.localEdit(TextOperation.identity(0));
      assertThat(alice.sync.isSynchronised()).isTrue();
      assertThat(alice.sync.nextBatch()).isEmpty();
      alice.edit(0, 0, "ab");
      alice.sync.localEdit(TextOperation.identity(2));
      assertThat(alice.sync.unacknowledgedCount()).isEqualTo(1);
    }

    @Test
    void one_batch_in_flight_and_later_edits_queue_behind_it() {
      Replica alice = new Replica("alice", "a1", 10);
      alice.edit(0, 0, "a");
      Batch first = alice.send();
      TextOperation b = alice.edit(1, 0, "b");
      TextOperation c = alice.edit(2, 0, "ç");
      assertThat(alice.sync.nextBatch()).isEmpty();
      assertThat(alice.sync.nextBatch()).isEmpty();
      assertThat(alice.sync.unacknowledgedCount()).isEqualTo(3);
      assertThat(alice.sync.inFlight()).containsSame(first);
      assertThat(alice.sync.state().queued()).containsExactly(b, c);

      SequencedBatch s1 = sequencer.submit("alice", first, 0);
      alice.ack(s1);
      assertThat(alice.sync.isSynchronised()).isFalse();
      Batch second = alice.send();
      assertThat(second).isEqualTo(new Batch("a1", 2, 1, List.of(b, c)));
      alice.ack(sequencer.submit("alice", second, 0));
      assertThat(alice.sync.isSynchronised()).isTrue();
      assertThat(sequencer.text()).isEqualTo("abç");
      assertThat(sequencer.head()).isEqualTo(3); // one revision per operation
    }

    @Test
    void queued_edits_are_split_into_batches_of_at_most_max_batch_operations() {
      Replica alice = new Replica("alice", "a1", 2);
      for (int i = 0; i < 5; i++) {
        alice.edit(i, 0, Integer.toString(i));
      }
      List<Integer> sizes = new ArrayList<>();
      while (!alice.sync.isSynchronised()) {
        SequencedBatch s = sendAndAck(alice);
        sizes.add(s.batch().size());
        assertThat(s.batch().batchSeq()).isEqualTo(sizes.size());
      }
      assertThat(sizes).containsExactly(2, 2, 1);
      assertThat(sequencer.text()).isEqualTo("01234");
    }
  }

  @Nested
  class RemoteBatches {
    @Test
    void remote_batches_transform_the_in_flight_batch_and_the_queue() {
      Replica alice = new Replica("alice", "a1", 5);
      Replica bob = new Replica("bob", "b1", 5);
      alice.edit(0, 0, "hello");
      sendAndAck(alice);
      bob.catchUp(sequencer);

      alice.edit(5, 0, " world"); // in flight
      Batch aliceBatch = alice.send();
      alice.edit(11, 0, "!"); // queued behind it
      alice.edit(0, 1, "H"); // queued, a replace

      bob.edit(0, 0, "¡"); // "¡hello"
      bob.edit(5, 1, "0 🌍"); // "¡hell0 🌍": replaces the 'o'
      SequencedBatch bobs = sequencer.submit("bob", bob.send(), 0);
      bob.ack(bobs);

      Delivery d = alice.receive(bobs);
      assertThat(d.status()).isEqualTo(Delivery.Status.APPLIED);
      assertThat(d.toApply()).hasSize(2);
      // "H" and "¡" both insert at 0: alice's unacknowledged edit is later in server order, so
      // first.
      assertThat(alice.text).isEqualTo("H¡ell0 🌍 world!");
      assertThat(alice.sync.localLength()).isEqualTo(alice.codePoints());
      assertThat(alice.sync.revision()).isEqualTo(3);
      // The batch as sent is unchanged; the operations to expect back were transformed.
      assertThat(alice.sync.inFlight()).containsSame(aliceBatch);
      assertThat(alice.sync.state().inFlightOperations())
          .isNotEqualTo(aliceBatch.operations())
          .hasSize(1);

      SequencedBatch s = sequencer.submit("alice", aliceBatch, 0);
      assertThat(alice.ack(s).status()).isEqualTo(Delivery.Status.APPLIED);
      // Acknowledgement appends the canonical form, which is what alice had computed.
      assertThat(alice.log.operation(4)).isEqualTo(sequencer.log().operation(4));
      Batch next = alice.send();
      assertThat(next.baseRevision()).isEqualTo(4);
      assertThat(next.size()).isEqualTo(2);
      alice.ack(sequencer.submit("alice", next, 0));
      assertThat(sequencer.text()).isEqualTo("H¡ell0 🌍 world!");
      assertConverged(alice, bob);
    }

    @Test
    void on_a_tie_the_unacknowledged_local_insert_goes_first() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      alice.edit(0, 0, "A");
      Batch aliceBatch = alice.send();
      bob.edit(0, 0, "B");
      SequencedBatch bobs = sendAndAck(bob);
      alice.receive(bobs);
      // Alice's batch will be sequenced after Bob's, so it goes first: as the sequencer does it.
      assertThat(alice.text).isEqualTo("AB");
      alice.ack(sequencer.submit("alice", aliceBatch, 0));
      assertThat(sequencer.text()).isEqualTo("AB");
      assertConverged(alice, bob);
    }

    @Test
    void a_remote_batch_while_synchronised_applies_unchanged() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      bob.edit(0, 0, "x");
      SequencedBatch s = sendAndAck(bob);
      Delivery d = alice.receive(s);
      assertThat(d).isEqualTo(new Delivery(Delivery.Status.APPLIED, s.batch().operations()));
      assertConverged(alice, bob);
    }

    @Test
    void duplicate_deliveries_are_ignored() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      bob.edit(0, 0, "one ");
      SequencedBatch s1 = sendAndAck(bob);
      bob.edit(4, 0, "two");
      SequencedBatch s2 = sendAndAck(bob);
      alice.edit(0, 0, "mine ");
      alice.send();

      assertThat(alice.receive(s1).status()).isEqualTo(Delivery.Status.APPLIED);
      assertThat(alice.receive(s2).status()).isEqualTo(Delivery.Status.APPLIED);
      ClientState before = alice.sync.state();
      String text = alice.text;
      assertThat(alice.receive(s2)).isEqualTo(new Delivery(Delivery.Status.DUPLICATE, List.of()));
      assertThat(alice.receive(s1).status()).isEqualTo(Delivery.Status.DUPLICATE);
      assertThat(alice.sync.state()).isEqualTo(before);
      assertThat(alice.text).isEqualTo(text);
    }

    @Test
    void a_batch_after_a_gap_is_not_taken() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      bob.edit(0, 0, "one ");
      SequencedBatch s1 = sendAndAck(bob);
      bob.edit(4, 0, "two");
      SequencedBatch s2 = sendAndAck(bob);
      assertThat(alice.receive(s2)).isEqualTo(new Delivery(Delivery.Status.GAP, List.of()));
      assertThat(alice.sync.revision()).isZero();
      assertThat(alice.text).isEmpty();
      alice.receive(s1);
      alice.receive(s2);
      assertConverged(alice, bob);
    }

    @Test
    void a_multi_operation_remote_batch_meets_a_multi_operation_in_flight_batch() {
      Replica alice = new Replica("alice", "a1", 3);
      Replica bob = new Replica("bob", "b1", 3);
      alice.edit(0, 0, "the cat sat");
      sendAndAck(alice);
      bob.catchUp(sequencer);

      alice.edit(4, 3, "dog"); // the dog sat
      alice.edit(11, 0, " 🐕"); // the dog sat 🐕
      Batch aliceBatch = alice.send();
      alice.edit(0, 1, "T"); // The dog sat 🐕  (queued)

      bob.edit(8, 3, "ran"); // the cat ran
      bob.edit(0, 0, "👨‍👩‍👧 "); // 👨‍👩‍👧 the cat ran
      bob.edit(0, 0, "e\u0301 "); // é 👨‍👩‍👧 the cat ran
      SequencedBatch bobs = sendAndAck(bob);

      assertThat(alice.receive(bobs).toApply()).hasSize(3);
      // Alice's queued "T" and Bob's prefix tie at 0: the queued edit goes first.
      assertThat(alice.text).isEqualTo("Te\u0301 👨‍👩‍👧 he dog ran 🐕");
      alice.ack(sequencer.submit("alice", aliceBatch, 0));
      sendAndAck(alice);
      assertConverged(alice, bob);
      assertThat(sequencer.text()).isEqualTo("Te\u0301 👨‍👩‍👧 he dog ran 🐕");
    }

    @Test
    void refuses_an_own_batch_that_is_not_in_flight() {
      Replica alice = new Replica("alice", "a1", 1);
      alice.edit(0, 0, "x");
      Batch sent = alice.send();
      // A batch with alice's client id and another batch seq, placed right after the head.
      Batch other = new Batch("a1", 7, 0, List.of(TextOperation.splice(0, 0, 0, "y")));
      assertThatThrownBy(() -> alice.sync.receive(new SequencedBatch(1, "alice", 0, other)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("own batch 7 was sequenced but is not the one in flight");
      assertThat(alice.sync.revision()).isZero();
      assertThat(alice.sync.inFlight()).containsSame(sent);
    }

    @Test
    void takes_an_own_batch_from_an_earlier_copy_as_history_and_numbers_new_batches_after_it() {
      // A document deleted here and fetched again (out of its owner's trash): its history holds
      // batches this client id sent before, and nothing is in flight.
      Replica again = new Replica("carol", "c1", 1);
      Batch earlier = new Batch("c1", 4, 0, List.of(TextOperation.splice(0, 0, 0, "y")));
      again.receive(new SequencedBatch(1, "carol", 0, earlier));
      assertThat(again.text).isEqualTo("y");
      assertThat(again.log.head()).isEqualTo(1);
      again.edit(1, 0, "z");
      assertThat(again.send().batchSeq()).isEqualTo(5); // the relay has 4 from this client id
    }

    @Test
    void refuses_an_own_batch_whose_canonical_form_differs_from_the_local_copy() {
      // A corrupt persisted state: the expected operations disagree with the batch as sent.
      Batch sent = new Batch("a1", 1, 0, List.of(TextOperation.splice(0, 0, 0, "x")));
      ClientState corrupt =
          new ClientState("a1", 0, 2, sent, List.of(TextOperation.splice(0, 0, 0, "y")), List.of());
      MemoryLog log = new MemoryLog();
      ClientSync sync = ClientSync.restore(corrupt, log, 1);
      SequencedBatch s = sequencer.submit("alice", sync.nextBatch().orElseThrow(), 0);
      assertThatThrownBy(() -> sync.acknowledge(1, s.firstRevision(), "alice", 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("own batch 1 canonicalised differently from the local copy");
      assertThat(log.head()).isZero();
    }

    @Test
    void the_own_batch_may_come_back_as_a_broadcast_instead_of_an_acknowledgement() {
      Replica alice = new Replica("alice", "a1", 1);
      alice.edit(0, 0, "x");
      SequencedBatch s = sequencer.submit("alice", alice.send(), 0);
      Delivery d = alice.receive(s);
      assertThat(d).isEqualTo(new Delivery(Delivery.Status.APPLIED, List.of()));
      assertThat(alice.sync.isSynchronised()).isTrue();
      assertThat(alice.ack(s).status()).isEqualTo(Delivery.Status.DUPLICATE);
      assertConverged(alice);
    }
  }

  @Nested
  class Acknowledgements {
    @Test
    void late_and_duplicate_acknowledgements_are_ignored() {
      Replica alice = new Replica("alice", "a1", 1);
      alice.edit(0, 0, "a");
      SequencedBatch s1 = sendAndAck(alice);
      assertThat(alice.ack(s1)).isEqualTo(new Delivery(Delivery.Status.DUPLICATE, List.of()));
      alice.edit(1, 0, "b");
      Batch second = alice.send();
      ClientState before = alice.sync.state();
      // The first batch's acknowledgement, again, while the second is in flight.
      assertThat(alice.ack(s1).status()).isEqualTo(Delivery.Status.DUPLICATE);
      // An acknowledgement of a batch seq never sent.
      assertThat(alice.sync.acknowledge(9, 2, "alice", 0).status())
          .isEqualTo(Delivery.Status.DUPLICATE);
      assertThat(alice.sync.state()).isEqualTo(before);
      assertThat(alice.sync.inFlight()).containsSame(second);
    }

    @Test
    void an_acknowledgement_with_nothing_in_flight_is_ignored() {
      Replica alice = new Replica("alice", "a1", 1);
      assertThat(alice.sync.acknowledge(1, 1, "alice", 0).status())
          .isEqualTo(Delivery.Status.DUPLICATE);
      assertThat(alice.sync.revision()).isZero();
    }

    @Test
    void an_acknowledgement_after_a_gap_returns_gap_and_keeps_the_batch_in_flight() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      alice.edit(0, 0, "a");
      Batch batch = alice.send();
      bob.edit(0, 0, "b");
      sendAndAck(bob); // revision 1, which alice has not received
      SequencedBatch s = sequencer.submit("alice", batch, 0); // revision 2

      assertThat(alice.ack(s)).isEqualTo(new Delivery(Delivery.Status.GAP, List.of()));
      assertThat(alice.sync.inFlight()).containsSame(batch);
      assertThat(alice.sync.revision()).isZero();
      // Catching up takes the missing revision and then the own batch.
      alice.catchUp(sequencer);
      assertThat(alice.sync.isSynchronised()).isTrue();
      assertThat(alice.ack(s).status()).isEqualTo(Delivery.Status.DUPLICATE);
      assertConverged(alice, bob);
    }
  }

  @Nested
  class Reconnection {
    @Test
    void after_a_reconnect_the_very_same_batch_is_sent_again() {
      Replica alice = new Replica("alice", "a1", 3);
      alice.edit(0, 0, "a");
      alice.edit(1, 0, "b");
      Batch sent = alice.send();
      alice.edit(2, 0, "c"); // queued while the connection is down

      alice.sync.connectionLost();
      Optional<Batch> again = alice.sync.nextBatch();
      assertThat(again).containsSame(sent);
      assertThat(again.get()).isEqualTo(new Batch("a1", 1, 0, sent.operations()));
      assertThat(again.get().size()).isEqualTo(2); // the queued edit did not join it
      assertThat(alice.sync.nextBatch()).isEmpty(); // once per reconnect

      alice.sync.connectionLost();
      alice.sync.connectionLost();
      assertThat(alice.sync.nextBatch()).containsSame(sent);
      assertThat(alice.sync.nextBatch()).isEmpty();
    }

    @Test
    void the_resent_batch_is_unchanged_even_after_remote_batches_moved_it() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      alice.edit(0, 0, "a");
      Batch sent = alice.send();
      bob.edit(0, 0, "b");
      alice.receive(sendAndAck(bob));
      alice.sync.connectionLost();
      assertThat(alice.sync.nextBatch()).containsSame(sent);
      assertThat(sent.baseRevision()).isZero();
      alice.ack(sequencer.submit("alice", sent, 0));
      assertConverged(alice, bob);
    }

    @Test
    void a_lost_acknowledgement_is_recovered_by_catching_up_and_the_resend_is_deduplicated() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      alice.edit(0, 0, "a");
      Batch sent = alice.send();
      SequencedBatch committed = sequencer.submit("alice", sent, 0); // the ack is lost
      bob.edit(0, 0, "b");
      bob.catchUp(sequencer);
      sendAndAck(bob);
      alice.edit(1, 0, "z"); // typed while offline

      alice.sync.connectionLost();
      Batch resent = alice.sync.nextBatch().orElseThrow(); // sent on reconnect
      assertThat(resent).isSameAs(sent);
      SequencedBatch answer = sequencer.submit("alice", resent, 99);
      assertThat(answer).isEqualTo(committed); // same revisions, nothing appended twice
      assertThat(sequencer.head()).isEqualTo(2);

      alice.catchUp(sequencer); // takes its own batch from the log: acknowledged
      assertThat(alice.sync.inFlight()).isEmpty();
      assertThat(alice.ack(answer).status()).isEqualTo(Delivery.Status.DUPLICATE);
      Batch next = alice.send();
      assertThat(next.batchSeq()).isEqualTo(2);
      alice.ack(sequencer.submit("alice", next, 0));
      assertConverged(alice, bob);
    }

    @Test
    void losing_the_connection_with_nothing_in_flight_changes_nothing() {
      Replica alice = new Replica("alice", "a1", 2);
      alice.sync.connectionLost();
      assertThat(alice.sync.nextBatch()).isEmpty();
      alice.edit(0, 0, "a");
      alice.sync.connectionLost();
      Batch first = alice.send();
      assertThat(first.batchSeq()).isEqualTo(1);
      assertThat(alice.sync.nextBatch()).isEmpty();
    }

    @Test
    void an_acknowledgement_clears_a_pending_resend() {
      Replica alice = new Replica("alice", "a1", 1);
      alice.edit(0, 0, "a");
      Batch sent = alice.send();
      alice.sync.connectionLost();
      alice.ack(sequencer.submit("alice", sent, 0));
      alice.edit(1, 0, "b");
      Batch next = alice.send();
      assertThat(next.batchSeq()).isEqualTo(2);
      assertThat(alice.sync.nextBatch()).isEmpty();
    }
  }

  @Nested
  class Restore {
    /** Persists a replica as a real client would: state as JSON, its log, its text. */
    private Replica restart(Replica r, int maxBatchOperations) {
      String json = SyncCodec.toJson(r.sync.state());
      MemoryLog copy = new MemoryLog();
      List<TextOperation> ops = r.log.operations();
      for (SequencedBatch s : r.log.batches()) {
        SequencedBatch decoded = SyncCodec.sequencedBatchFromJson(SyncCodec.toJson(s));
        int from = (int) decoded.firstRevision() - 1;
        copy.append(decoded, ops.subList(from, from + decoded.batch().size()));
      }
      Replica back = new Replica(r.author, copy, r.text, "unused", maxBatchOperations);
      back.sync = ClientSync.restore(SyncCodec.clientStateFromJson(json), copy, maxBatchOperations);
      return back;
    }

    @Test
    void a_restored_client_continues_exactly_where_it_was() {
      Replica alice = new Replica("alice", "a1", 2);
      Replica bob = new Replica("bob", "b1", 2);
      alice.edit(0, 0, "base 🧱");
      sendAndAck(alice);
      bob.catchUp(sequencer);
      alice.edit(0, 0, "A");
      alice.edit(1, 0, "B");
      Batch inFlight = alice.send();
      alice.edit(2, 0, "C"); // queued
      bob.edit(6, 0, "!");
      alice.receive(sendAndAck(bob)); // transforms the in-flight and queued operations

      Replica restored = restart(alice, 2);
      assertThat(restored.sync.state()).isEqualTo(alice.sync.state());
      assertThat(restored.sync.clientId()).isEqualTo("a1");
      assertThat(restored.sync.revision()).isEqualTo(alice.sync.revision());
      assertThat(restored.sync.localLength()).isEqualTo(alice.sync.localLength());
      assertThat(restored.sync.unacknowledgedCount()).isEqualTo(3);
      assertThat(restored.sync.isSynchronised()).isFalse();
      assertThat(restored.sync.inFlight()).contains(inFlight);

      // A restarted client has no connection yet: its first batch is the one in flight.
      Batch resent = restored.send();
      assertThat(resent).isEqualTo(inFlight);
      assertThat(restored.sync.nextBatch()).isEmpty();
      assertThat(restored.ack(sequencer.submit("alice", resent, 0)).status())
          .isEqualTo(Delivery.Status.APPLIED);
      Batch next = restored.send();
      assertThat(next.batchSeq()).isEqualTo(inFlight.batchSeq() + 1);
      restored.ack(sequencer.submit("alice", next, 0));
      assertConverged(restored, bob);
      assertThat(sequencer.text()).isEqualTo("ABCbase 🧱!");
    }

    @Test
    void a_restored_idle_client_continues_its_batch_numbering() {
      Replica alice = new Replica("alice", "a1", 1);
      alice.edit(0, 0, "x");
      sendAndAck(alice);
      alice.edit(1, 0, "y"); // queued, never sent
      Replica restored = restart(alice, 1);
      assertThat(restored.sync.inFlight()).isEmpty();
      Batch b = restored.send();
      assertThat(b).isEqualTo(new Batch("a1", 2, 1, List.of(TextOperation.splice(1, 1, 0, "y"))));
      restored.ack(sequencer.submit("alice", b, 0));
      assertConverged(restored);
    }

    @Test
    void refuses_a_state_that_does_not_go_with_the_log() {
      ClientState state = new ClientState("a1", 3, 1, null, List.of(), List.of());
      assertThatThrownBy(() -> ClientSync.restore(state, new MemoryLog(), 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("client state is at revision 3 but the log at 0");
      ClientState ok = new ClientState("a1", 0, 1, null, List.of(), List.of());
      assertThatThrownBy(() -> ClientSync.restore(ok, new MemoryLog(), 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class UndoInSync {
    @Test
    void undo_of_an_own_edit_after_others_edited_around_it() {
      Replica alice = new Replica("alice", "a1", 1);
      Replica bob = new Replica("bob", "b1", 1);
      bob.edit(0, 0, "red blue");
      sendAndAck(bob);
      alice.catchUp(sequencer);

      String beforeOwn = alice.text;
      alice.edit(4, 0, "green ");
      long ownRevision = sendAndAck(alice).firstRevision();
      // Bob, concurrently and later, edits on both sides of alice's word.
      bob.edit(0, 3, "orange");
      sequencer.submit("bob", bob.send(), 0);
      bob.catchUp(sequencer); // alice's revision, then its own batch
      bob.edit(bob.codePoints(), 0, " 💜");
      sendAndAck(bob);
      alice.catchUp(sequencer);
      assertThat(alice.text).isEqualTo("orange green blue 💜");

      TextOperation undo = Undo.undoRevision(alice.log, ownRevision, beforeOwn);
      alice.text = undo.apply(alice.text);
      alice.sync.localEdit(undo);
      sendAndAck(alice);
      assertThat(sequencer.text()).isEqualTo("orange blue 💜");
      assertConverged(alice, bob);
    }
  }
}
