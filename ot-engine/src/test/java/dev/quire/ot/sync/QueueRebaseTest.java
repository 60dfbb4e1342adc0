package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Examples; {@link BulkRebaseProperties} checks QueueRebase against transform in general. */
class QueueRebaseTest {
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
