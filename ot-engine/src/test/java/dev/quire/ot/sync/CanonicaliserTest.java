package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicaliserTest {

  private static MemoryLog logOf(String... batchesOfOne) {
    MemoryLog log = new MemoryLog();
    String text = "";
    for (String insert : batchesOfOne) {
      // Each revision appends its text at the end.
      int length = text.codePointCount(0, text.length());
      TextOperation op = TextOperation.splice(length, length, 0, insert);
      long rev = log.head() + 1;
      log.append(
          new SequencedBatch(rev, "x", 0, new Batch("x", rev, rev - 1, List.of(op))), List.of(op));
      text = op.apply(text);
    }
    return log;
  }

  @Test
  void a_batch_at_the_head_is_its_own_canonical_form() {
    MemoryLog log = logOf("ab", "cd");
    TextOperation a = TextOperation.splice(4, 1, 1, "X");
    TextOperation b = TextOperation.splice(4, 4, 0, "🙂");
    assertThat(Canonicaliser.canonicalise(log, new Batch("c", 1, 2, List.of(a, b))))
        .containsExactly(a, b);
  }

  @Test
  void a_first_batch_on_the_empty_log() {
    TextOperation a = TextOperation.splice(0, 0, 0, "hello");
    assertThat(Canonicaliser.canonicalise(new MemoryLog(), new Batch("c", 1, 0, List.of(a))))
        .containsExactly(a);
  }

  @Test
  void a_batch_behind_the_head_is_transformed_past_the_revisions_it_had_not_seen() {
    MemoryLog log = logOf("ab", "cd", "ef"); // the batch saw "ab" only
    TextOperation deleteB = TextOperation.splice(2, 1, 1, "");
    List<TextOperation> canonical =
        Canonicaliser.canonicalise(log, new Batch("c", 1, 1, List.of(deleteB)));
    assertThat(canonical).containsExactly(TextOperation.splice(6, 1, 1, ""));
    assertThat(canonical.get(0).apply("abcdef")).isEqualTo("acdef");
  }

  @Test
  void on_an_insert_tie_the_batch_goes_first_as_it_is_later_in_server_order() {
    MemoryLog log = logOf("ab", "X"); // revision 2 inserted X at 2
    TextOperation typeY = TextOperation.splice(2, 2, 0, "Y");
    List<TextOperation> canonical =
        Canonicaliser.canonicalise(log, new Batch("c", 1, 1, List.of(typeY)));
    assertThat(canonical.get(0).apply("abX")).isEqualTo("abYX");
  }

  @Test
  void each_batch_operation_is_transformed_pairwise_past_the_concurrent_ones() {
    // Two concurrent revisions, a batch of three operations: the result must be what a client
    // computes by transforming its in-flight operations past each remote operation in turn.
    MemoryLog log = logOf("hello");
    TextOperation r2 = TextOperation.splice(5, 0, 1, "J");
    TextOperation r3 = TextOperation.splice(5, 5, 0, " 🌍");
    log.append(
        new SequencedBatch(2, "b", 0, new Batch("b", 1, 1, List.of(r2, r3))), List.of(r2, r3));

    TextOperation o1 = TextOperation.splice(5, 5, 0, "!");
    TextOperation o2 = TextOperation.splice(6, 0, 0, "¡");
    TextOperation o3 = TextOperation.splice(7, 3, 2, "");
    List<TextOperation> canonical =
        Canonicaliser.canonicalise(log, new Batch("c", 1, 1, List.of(o1, o2, o3)));

    // The client's way: local list transformed in place past each remote operation.
    List<TextOperation> local = new java.util.ArrayList<>(List.of(o1, o2, o3));
    for (TextOperation remote : List.of(r2, r3)) {
      for (int i = 0; i < local.size(); i++) {
        var pair = TextOperation.transform(local.get(i), remote);
        local.set(i, pair.aPrime());
        remote = pair.bPrime();
      }
    }
    assertThat(canonical).isEqualTo(local);

    String text = "Jello 🌍";
    for (TextOperation op : canonical) {
      text = op.apply(text);
    }
    assertThat(text).isEqualTo("¡Jeo! 🌍");
  }

  @Test
  void refuses_a_base_beyond_the_head() {
    MemoryLog log = logOf("ab");
    Batch batch = new Batch("c", 1, 2, List.of(TextOperation.splice(2, 0, 0, "x")));
    assertThatThrownBy(() -> Canonicaliser.canonicalise(log, batch))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(OperationMismatchException.class)
        .hasMessage("batch base revision 2 is beyond the head revision 1");
  }

  @Test
  void refuses_a_batch_that_does_not_fit_the_document_at_its_base() {
    MemoryLog log = logOf("ab", "cd");
    // At revision 1 the document has 2 code points, not 4.
    Batch batch = new Batch("c", 1, 1, List.of(TextOperation.splice(4, 0, 0, "x")));
    assertThatThrownBy(() -> Canonicaliser.canonicalise(log, batch))
        .isInstanceOf(OperationMismatchException.class)
        .hasMessage("batch expects a document of 4 code points but revision 1 has 2");
  }

  @Test
  void does_not_change_the_log() {
    MemoryLog log = logOf("ab", "cd");
    List<TextOperation> before = log.operations();
    Canonicaliser.canonicalise(
        log, new Batch("c", 1, 0, List.of(TextOperation.splice(0, 0, 0, "z"))));
    assertThat(log.operations()).isEqualTo(before);
    assertThat(log.head()).isEqualTo(2);
  }
}
