package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.operation.TransformedPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class QueueRebaseTest {
  private static final String[] KEYS = {"a", " ", "\n", "😀", "é", "🇫🇷", "xyz", "👩‍💻"};

  /** Random edits in sequence on a text of {@code length} code points; returns them. */
  private static List<TextOperation> edits(Random rnd, int length, int count, boolean wide) {
    List<TextOperation> out = new ArrayList<>();
    int len = length;
    for (int i = 0; i < count; i++) {
      int pos = len == 0 ? 0 : rnd.nextInt(len + 1);
      int del =
          pos < len && rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(Math.min(wide ? 8 : 2, len - pos)) : 0;
      String ins = rnd.nextInt(5) == 0 ? "" : KEYS[rnd.nextInt(KEYS.length)];
      if (del == 0 && ins.isEmpty()) {
        ins = "k";
      }
      TextOperation op = TextOperation.splice(len, pos, del, ins);
      out.add(op);
      len = op.targetLength();
    }
    return out;
  }

  private static TextOperation composeAll(List<TextOperation> ops) {
    TextOperation r = ops.get(0);
    for (int i = 1; i < ops.size(); i++) {
      r = r.compose(ops.get(i));
    }
    return r;
  }

  @RepeatedTest(200)
  void rebase_equalsFoldingTransformOverTheQueue(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition());
    int length = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(40);
    TextOperation remote = composeAll(edits(rnd, length, 1 + rnd.nextInt(30), true));
    List<TextOperation> queue = edits(rnd, length, 1 + rnd.nextInt(30), rnd.nextBoolean());
    if (rnd.nextInt(10) == 0) {
      queue.add(1, TextOperation.identity(queue.get(0).targetLength()));
    }

    List<TextOperation> expected = new ArrayList<>();
    TextOperation r = remote;
    for (TextOperation q : queue) {
      TransformedPair p = TextOperation.transform(q, r);
      expected.add(p.aPrime());
      r = p.bPrime();
    }
    QueueRebase.Result got = QueueRebase.rebase(queue, remote);

    assertThat(got.queued()).isEqualTo(expected);
    assertThat(got.remote()).isEqualTo(r);
  }

  @Test
  void rebase_tieAtTheSamePosition_putsTheQueuedInsertFirst() {
    TextOperation remote = TextOperation.splice(4, 2, 0, "R");
    List<TextOperation> queue = List.of(TextOperation.splice(4, 2, 0, "L"));
    QueueRebase.Result got = QueueRebase.rebase(queue, remote);
    String local = got.remote().apply(queue.get(0).apply("abcd"));
    assertThat(local).isEqualTo("abLRcd");
    assertThat(got.queued().get(0).apply(remote.apply("abcd"))).isEqualTo(local);
  }

  @Test
  void rebase_queueThatDoesNotFit_isRefusedWithTheLengths() {
    assertThatThrownBy(
            () ->
                QueueRebase.rebase(
                    List.of(TextOperation.splice(3, 0, 0, "x")),
                    TextOperation.splice(5, 0, 0, "y")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base length 3, expected 5");
  }
}
