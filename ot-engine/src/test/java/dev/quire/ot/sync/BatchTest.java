package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {
  private static final TextOperation TYPE_A = TextOperation.splice(0, 0, 0, "a");
  private static final TextOperation TYPE_EMOJI = TextOperation.splice(1, 1, 0, "👩‍💻");

  @Test
  void holds_its_fields_and_size() {
    Batch b = new Batch("c1", 2, 7, List.of(TYPE_A, TYPE_EMOJI));
    assertThat(b.clientId()).isEqualTo("c1");
    assertThat(b.batchSeq()).isEqualTo(2);
    assertThat(b.baseRevision()).isEqualTo(7);
    assertThat(b.operations()).containsExactly(TYPE_A, TYPE_EMOJI);
    assertThat(b.size()).isEqualTo(2);
  }

  @Test
  void operations_are_copied_and_unmodifiable() {
    List<TextOperation> ops = new ArrayList<>(List.of(TYPE_A));
    Batch b = new Batch("c1", 1, 0, ops);
    ops.add(TYPE_EMOJI);
    assertThat(b.operations()).containsExactly(TYPE_A);
    assertThatThrownBy(() -> b.operations().add(TYPE_EMOJI))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equal_by_value() {
    assertThat(new Batch("c1", 1, 0, List.of(TYPE_A)))
        .isEqualTo(new Batch("c1", 1, 0, List.of(TextOperation.splice(0, 0, 0, "a"))))
        .hasSameHashCodeAs(new Batch("c1", 1, 0, List.of(TYPE_A)))
        .isNotEqualTo(new Batch("c1", 2, 0, List.of(TYPE_A)))
        .isNotEqualTo(new Batch("c2", 1, 0, List.of(TYPE_A)));
  }

  @Test
  void a_single_operation_may_start_from_any_length() {
    // The base length is checked against the log when canonicalised, not here.
    assertThat(new Batch("c", 1, 3, List.of(TYPE_EMOJI)).size()).isEqualTo(1);
  }

  @Test
  void refuses_a_missing_or_blank_client_id() {
    assertThatThrownBy(() -> new Batch(null, 1, 0, List.of(TYPE_A)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("clientId");
    for (String blank : new String[] {"", " ", "\t\n"}) {
      assertThatThrownBy(() -> new Batch(blank, 1, 0, List.of(TYPE_A)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("clientId must not be blank");
    }
  }

  @Test
  void refuses_a_batch_seq_below_one() {
    assertThatThrownBy(() -> new Batch("c", 0, 0, List.of(TYPE_A)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSeq must be at least 1, was 0");
    assertThatThrownBy(() -> new Batch("c", -5, 0, List.of(TYPE_A)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refuses_a_negative_base_revision() {
    assertThatThrownBy(() -> new Batch("c", 1, -1, List.of(TYPE_A)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseRevision must not be negative, was -1");
  }

  @Test
  void refuses_an_empty_or_null_operation_list() {
    assertThatThrownBy(() -> new Batch("c", 1, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a batch needs at least one operation");
    assertThatThrownBy(() -> new Batch("c", 1, 0, null)).isInstanceOf(NullPointerException.class);
    List<TextOperation> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> new Batch("c", 1, 0, withNull))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void refuses_operations_that_do_not_chain() {
    // TYPE_A leaves 1 code point; the second operation expects 2.
    TextOperation expectsTwo = TextOperation.splice(2, 0, 1, "");
    assertThatThrownBy(() -> new Batch("c", 1, 0, List.of(TYPE_A, expectsTwo)))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage(
            "batch operation 1 expects a document of 2 code points but operation 0 leaves 1");
  }

  @Test
  void chaining_counts_code_points_not_utf16_units() {
    // The emoji is 3 code points (woman, ZWJ, laptop) and 5 UTF-16 units.
    TextOperation after = TextOperation.splice(4, 4, 0, "!");
    assertThat(new Batch("c", 1, 0, List.of(TYPE_A, TYPE_EMOJI, after)).size()).isEqualTo(3);
    TextOperation utf16 = TextOperation.splice(6, 6, 0, "!");
    assertThatThrownBy(() -> new Batch("c", 1, 0, List.of(TYPE_A, TYPE_EMOJI, utf16)))
        .isInstanceOf(OperationMismatchException.class);
  }
}
