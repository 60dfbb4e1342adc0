package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequencedBatchTest {
  private static final TextOperation A = TextOperation.splice(3, 0, 0, "a");
  private static final TextOperation B = TextOperation.splice(4, 1, 0, "b");
  private static final TextOperation C = TextOperation.splice(5, 2, 0, "c");

  @Test
  void last_revision_counts_one_revision_per_operation() {
    assertThat(new SequencedBatch(5, "alice", 0, new Batch("c", 1, 4, List.of(A))).lastRevision())
        .isEqualTo(5);
    assertThat(
            new SequencedBatch(5, "alice", 0, new Batch("c", 1, 2, List.of(A, B, C)))
                .lastRevision())
        .isEqualTo(7);
  }

  @Test
  void holds_its_fields() {
    Batch batch = new Batch("c", 1, 2, List.of(A));
    SequencedBatch s = new SequencedBatch(9, "alice", 1234L, batch);
    assertThat(s.firstRevision()).isEqualTo(9);
    assertThat(s.author()).isEqualTo("alice");
    assertThat(s.timestampMillis()).isEqualTo(1234L);
    assertThat(s.batch()).isSameAs(batch);
    assertThat(s).isEqualTo(new SequencedBatch(9, "alice", 1234L, batch));
  }

  @Test
  void refuses_a_first_revision_below_one() {
    Batch batch = new Batch("c", 1, 0, List.of(TextOperation.splice(0, 0, 0, "x")));
    assertThatThrownBy(() -> new SequencedBatch(0, "alice", 0, batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("firstRevision must be at least 1, was 0");
  }

  @Test
  void refuses_a_base_revision_at_or_after_the_first_revision() {
    Batch batch = new Batch("c", 1, 4, List.of(A));
    assertThatThrownBy(() -> new SequencedBatch(4, "alice", 0, batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("base revision 4 must precede the batch's first revision 4");
    assertThatThrownBy(() -> new SequencedBatch(2, "alice", 0, batch))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refuses_nulls() {
    Batch batch = new Batch("c", 1, 0, List.of(A));
    assertThatThrownBy(() -> new SequencedBatch(1, null, 0, batch))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("author == null");
    assertThatThrownBy(() -> new SequencedBatch(1, "alice", 0, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("batch == null");
  }
}
