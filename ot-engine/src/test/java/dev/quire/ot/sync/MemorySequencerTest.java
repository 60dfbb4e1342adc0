package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemorySequencerTest {
  private final MemorySequencer sequencer = new MemorySequencer();

  private static Batch batch(String client, long seq, long base, TextOperation... ops) {
    return new Batch(client, seq, base, List.of(ops));
  }

  @Test
  void starts_empty() {
    assertThat(sequencer.head()).isZero();
    assertThat(sequencer.text()).isEmpty();
    assertThat(sequencer.batchesAfter(0)).isEmpty();
    assertThat(sequencer.log().head()).isZero();
  }

  @Test
  void numbers_each_operation_of_a_batch() {
    SequencedBatch s =
        sequencer.submit(
            "alice",
            batch(
                "a",
                1,
                0,
                TextOperation.splice(0, 0, 0, "hi"),
                TextOperation.splice(2, 2, 0, "👋🏽")),
            100);
    assertThat(s.firstRevision()).isEqualTo(1);
    assertThat(s.lastRevision()).isEqualTo(2);
    assertThat(s.author()).isEqualTo("alice");
    assertThat(s.timestampMillis()).isEqualTo(100);
    assertThat(sequencer.head()).isEqualTo(2);
    assertThat(sequencer.text()).isEqualTo("hi👋🏽");
    assertThat(sequencer.log().batches()).containsExactly(s);

    SequencedBatch t =
        sequencer.submit("bob", batch("b", 1, 2, TextOperation.splice(4, 0, 2, "")), 200);
    assertThat(t.firstRevision()).isEqualTo(3);
    assertThat(sequencer.text()).isEqualTo("👋🏽");
    assertThat(sequencer.batchesAfter(0)).containsExactly(s, t);
    assertThat(sequencer.batchesAfter(2)).containsExactly(t);
    assertThat(sequencer.batchesAfter(1)).containsExactly(s, t);
  }

  @Test
  void transforms_a_concurrent_batch_into_place() {
    sequencer.submit("alice", batch("a", 1, 0, TextOperation.splice(0, 0, 0, "abc")), 0);
    sequencer.submit("alice", batch("a", 2, 1, TextOperation.splice(3, 3, 0, "def")), 0);
    // Bob saw only revision 1 and deletes "b".
    SequencedBatch s =
        sequencer.submit("bob", batch("b", 1, 1, TextOperation.splice(3, 1, 1, "")), 0);
    assertThat(s.firstRevision()).isEqualTo(3);
    assertThat(sequencer.text()).isEqualTo("acdef");
    assertThat(sequencer.log().operation(3)).isEqualTo(TextOperation.splice(6, 1, 1, ""));
  }

  @Test
  void answers_a_resubmitted_batch_with_its_earlier_placement() {
    Batch b = batch("a", 1, 0, TextOperation.splice(0, 0, 0, "x"));
    SequencedBatch first = sequencer.submit("alice", b, 100);
    sequencer.submit("bob", batch("b", 1, 1, TextOperation.splice(1, 1, 0, "y")), 200);
    SequencedBatch again = sequencer.submit("alice", b, 300);
    assertThat(again).isSameAs(first);
    assertThat(again.timestampMillis()).isEqualTo(100);
    // An equal value (as decoded from the wire after a reconnect) is recognised too.
    assertThat(sequencer.submit("alice", batch("a", 1, 0, TextOperation.splice(0, 0, 0, "x")), 400))
        .isSameAs(first);
    assertThat(sequencer.head()).isEqualTo(2);
    assertThat(sequencer.text()).isEqualTo("xy");
  }

  @Test
  void refuses_a_batch_resent_with_changed_content_and_stores_nothing() {
    sequencer.submit("alice", batch("a", 1, 0, TextOperation.splice(0, 0, 0, "x")), 0);
    assertThatThrownBy(
            () ->
                sequencer.submit("alice", batch("a", 1, 0, TextOperation.splice(0, 0, 0, "z")), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch 1 of client a was resent changed");
    assertThatThrownBy(
            () ->
                sequencer.submit("alice", batch("a", 1, 1, TextOperation.splice(1, 0, 0, "z")), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resent changed");
    assertThat(sequencer.head()).isEqualTo(1);
    assertThat(sequencer.text()).isEqualTo("x");
  }

  @Test
  void deduplicates_by_authenticated_author_not_only_by_client_ids() {
    Batch b = batch("laptop", 1, 0, TextOperation.splice(0, 0, 0, "x"));
    SequencedBatch alice = sequencer.submit("alice", b, 0);
    // Mallory claims the same client id and batch seq: a different key, so a new placement.
    SequencedBatch mallory = sequencer.submit("mallory", b, 0);
    assertThat(mallory.firstRevision()).isEqualTo(2);
    assertThat(mallory).isNotEqualTo(alice);
    assertThat(sequencer.text()).isEqualTo("xx");
    // The same author with two devices: client ids tell them apart.
    SequencedBatch phone =
        sequencer.submit("alice", batch("phone", 1, 2, TextOperation.splice(2, 2, 0, "p")), 0);
    assertThat(phone.firstRevision()).isEqualTo(3);
  }

  @Test
  void refuses_a_batch_that_does_not_fit_and_stores_nothing() {
    sequencer.submit("alice", batch("a", 1, 0, TextOperation.splice(0, 0, 0, "abc")), 0);
    Batch wrong = batch("b", 1, 1, TextOperation.splice(5, 0, 0, "x"));
    assertThatThrownBy(() -> sequencer.submit("bob", wrong, 0))
        .isInstanceOf(OperationMismatchException.class);
    assertThat(sequencer.head()).isEqualTo(1);
    assertThat(sequencer.text()).isEqualTo("abc");
    // The refused batch was not remembered: a correct batch with its identity is taken.
    SequencedBatch ok =
        sequencer.submit("bob", batch("b", 1, 1, TextOperation.splice(3, 3, 0, "d")), 0);
    assertThat(ok.firstRevision()).isEqualTo(2);
    assertThat(sequencer.text()).isEqualTo("abcd");
  }

  @Test
  void refuses_a_base_beyond_the_head_and_stores_nothing() {
    Batch ahead = batch("a", 1, 3, TextOperation.splice(0, 0, 0, "x"));
    assertThatThrownBy(() -> sequencer.submit("alice", ahead, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch base revision 3 is beyond the head revision 0");
    assertThat(sequencer.head()).isZero();
  }

  @Test
  void refuses_a_null_author() {
    assertThatThrownBy(
            () -> sequencer.submit(null, batch("a", 1, 0, TextOperation.splice(0, 0, 0, "x")), 0))
        .isInstanceOf(NullPointerException.class);
    assertThat(sequencer.head()).isZero();
  }
}
