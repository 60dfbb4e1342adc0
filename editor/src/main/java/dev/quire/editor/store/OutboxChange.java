package dev.quire.editor.store;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import java.util.List;
import java.util.Objects;

/** How the outbox changed along with revisions taken into the log. */
public sealed interface OutboxChange {

  /** The outbox is as it was. */
  record Unchanged() implements OutboxChange {}

  /**
   * The in-flight batch was acknowledged: its {@code count} operations leave the outbox (none for a
   * batch of notes alone, whose one operation that changes nothing is not in the outbox).
   */
  record Acknowledged(int count) implements OutboxChange {
    public Acknowledged {
      if (count < 0) {
        throw new IllegalArgumentException("count must not be negative, was " + count);
      }
    }
  }

  /**
   * The whole outbox, after its operations were transformed past remote revisions (or anything else
   * that changes more than its end).
   *
   * @param operations every pending operation, the in-flight ones first
   * @param madeAt when each was made
   * @param inFlight the in-flight batch as sent, or null
   * @param nextBatchSeq the sequence number of the next new batch
   */
  record Replaced(
      List<TextOperation> operations, List<Long> madeAt, Batch inFlight, long nextBatchSeq)
      implements OutboxChange {
    public Replaced {
      operations = List.copyOf(operations);
      madeAt = List.copyOf(madeAt);
      if (operations.size() != madeAt.size()) {
        throw new IllegalArgumentException("one time per operation");
      }
      if (inFlight != null && inFlight.size() > operations.size()) {
        throw new IllegalArgumentException("the in-flight batch is larger than the outbox");
      }
    }
  }

  static OutboxChange unchanged() {
    return new Unchanged();
  }

  static OutboxChange requireNonNull(OutboxChange c) {
    return Objects.requireNonNull(c, "change == null");
  }
}
