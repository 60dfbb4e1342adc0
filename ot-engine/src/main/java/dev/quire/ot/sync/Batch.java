package dev.quire.ot.sync;

import dev.quire.ot.note.Note;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import java.util.Objects;

/**
 * What a client submits: consecutive local operations, each of which will get its own revision.
 * {@code baseRevision} is the last revision the client had seen when it formed the batch; the first
 * operation applies to the document at that revision plus nothing else, and each further operation
 * applies to the result of the one before.
 *
 * <p>{@code notes} are the comments and version names that travel with the operations (see {@link
 * dev.quire.ot.note.DocumentNotes}); most batches have none.
 *
 * <p>A batch is immutable once sent: after a reconnect the client resends the same value, and the
 * relay recognises it by (author, {@code clientId}, {@code batchSeq}).
 */
public record Batch(
    String clientId,
    long batchSeq,
    long baseRevision,
    List<TextOperation> operations,
    List<Note> notes) {

  /** A batch without notes. */
  public Batch(String clientId, long batchSeq, long baseRevision, List<TextOperation> operations) {
    this(clientId, batchSeq, baseRevision, operations, List.of());
  }

  public Batch {
    Objects.requireNonNull(clientId, "clientId == null");
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("clientId must not be blank");
    }
    if (batchSeq < 1) {
      throw new IllegalArgumentException("batchSeq must be at least 1, was " + batchSeq);
    }
    if (baseRevision < 0) {
      throw new IllegalArgumentException("baseRevision must not be negative, was " + baseRevision);
    }
    operations = List.copyOf(operations);
    notes = List.copyOf(notes);
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one operation");
    }
    for (int i = 1; i < operations.size(); i++) {
      if (operations.get(i).baseLength() != operations.get(i - 1).targetLength()) {
        throw new OperationMismatchException(
            "batch operation "
                + i
                + " expects a document of "
                + operations.get(i).baseLength()
                + " code points but operation "
                + (i - 1)
                + " leaves "
                + operations.get(i - 1).targetLength());
      }
    }
  }

  /**
   * True for a batch that only carries notes: one operation that changes nothing, which a client
   * adds so that the notes take a revision (see {@link ClientSync#nextBatch}).
   */
  public boolean carriesOnlyNotes() {
    return !notes.isEmpty() && operations.size() == 1 && operations.get(0).isNoop();
  }

  public int size() {
    return operations.size();
  }
}
