package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryLogTest {
  private static final TextOperation R1 = TextOperation.splice(0, 0, 0, "ab");
  private static final TextOperation R2 = TextOperation.splice(2, 2, 0, "🇫🇷");
  private static final TextOperation R3 = TextOperation.splice(4, 0, 1, "");
  private static final TextOperation R4 = TextOperation.splice(3, 3, 0, "e\u0301");

  private MemoryLog log;
  private SequencedBatch s1;
  private SequencedBatch s23;
  private SequencedBatch s4;

  @BeforeEach
  void fill() {
    log = new MemoryLog();
    s1 = new SequencedBatch(1, "alice", 10, new Batch("a", 1, 0, List.of(R1)));
    s23 = new SequencedBatch(2, "bob", 20, new Batch("b", 1, 1, List.of(R2, R3)));
    s4 = new SequencedBatch(4, "alice", 30, new Batch("a", 2, 3, List.of(R4)));
    log.append(s1, List.of(R1));
    log.append(s23, List.of(R2, R3));
    log.append(s4, List.of(R4));
  }

  @Test
  void an_empty_log_is_the_empty_document_at_revision_zero() {
    MemoryLog empty = new MemoryLog();
    assertThat(empty.head()).isZero();
    assertThat(empty.lengthAt(0)).isZero();
    assertThat(empty.operations()).isEmpty();
    assertThat(empty.batches()).isEmpty();
    assertThat(empty.batchesAfter(0)).isEmpty();
  }

  @Test
  void head_operations_and_lengths() {
    assertThat(log.head()).isEqualTo(4);
    assertThat(log.operation(1)).isEqualTo(R1);
    assertThat(log.operation(3)).isEqualTo(R3);
    assertThat(log.operations()).containsExactly(R1, R2, R3, R4);
    assertThat(log.lengthAt(0)).isZero();
    assertThat(log.lengthAt(1)).isEqualTo(2);
    assertThat(log.lengthAt(2)).isEqualTo(4);
    assertThat(log.lengthAt(3)).isEqualTo(3);
    assertThat(log.lengthAt(4)).isEqualTo(5);
  }

  @Test
  void operation_refuses_revisions_outside_the_log() {
    assertThatThrownBy(() -> log.operation(0))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("revision 0 outside 1..4");
    assertThatThrownBy(() -> log.operation(5)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void batches_are_kept_in_order_and_lists_are_copies() {
    assertThat(log.batches()).containsExactly(s1, s23, s4);
    assertThatThrownBy(() -> log.batches().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> log.operations().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void batch_containing_finds_the_batch_of_every_revision() {
    assertThat(log.batchContaining(1)).isSameAs(s1);
    assertThat(log.batchContaining(2)).isSameAs(s23);
    assertThat(log.batchContaining(3)).isSameAs(s23);
    assertThat(log.batchContaining(4)).isSameAs(s4);
    assertThatThrownBy(() -> log.batchContaining(0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> log.batchContaining(5)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void batches_after_gives_whole_batches() {
    assertThat(log.batchesAfter(0)).containsExactly(s1, s23, s4);
    assertThat(log.batchesAfter(1)).containsExactly(s23, s4);
    // Revision 2 is inside a batch: the whole batch comes back.
    assertThat(log.batchesAfter(2)).containsExactly(s23, s4);
    assertThat(log.batchesAfter(3)).containsExactly(s4);
    assertThat(log.batchesAfter(4)).isEmpty();
    assertThat(log.batchesAfter(99)).isEmpty();
  }

  @Test
  void append_refuses_a_batch_out_of_order() {
    SequencedBatch skip = new SequencedBatch(6, "c", 0, new Batch("c", 1, 4, List.of(R4)));
    assertThatThrownBy(() -> log.append(skip, List.of(TextOperation.identity(5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch at revision 6 does not follow head 4");
    SequencedBatch again = new SequencedBatch(4, "c", 0, new Batch("c", 1, 3, List.of(R4)));
    assertThatThrownBy(() -> log.append(again, List.of(R4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch at revision 4 does not follow head 4");
    assertThat(log.head()).isEqualTo(4);
    assertThat(log.batches()).hasSize(3);
  }

  @Test
  void append_refuses_a_canonical_count_other_than_the_batch_size() {
    TextOperation x = TextOperation.splice(5, 0, 0, "x");
    TextOperation y = TextOperation.splice(6, 0, 0, "y");
    SequencedBatch two = new SequencedBatch(5, "c", 0, new Batch("c", 1, 4, List.of(x, y)));
    assertThatThrownBy(() -> log.append(two, List.of(x)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("1 canonical operations for a batch of 2");
    assertThat(log.head()).isEqualTo(4);
  }
}
