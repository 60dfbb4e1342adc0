package dev.quire.editor.store;

import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import java.util.Objects;

/**
 * One revision of a document's canonical log, with where it came from.
 *
 * @param baseRevision the base revision of the batch it came in
 * @param batchFirst the first revision of that batch
 * @param author the authenticated user who submitted it
 * @param clientId the client that made it
 * @param batchSeq that client's batch sequence number
 * @param timestampMillis when the relay sequenced it
 * @param madeAtMillis when its batch's first edit was made, by its author's clock
 * @param operation the canonical operation: the same on every replica
 * @param original the operation as its author sent it
 * @param notes the notes of its batch when it is the batch's last revision, else none
 */
public record Revision(
    long revision,
    long baseRevision,
    long batchFirst,
    String author,
    String clientId,
    long batchSeq,
    long timestampMillis,
    long madeAtMillis,
    TextOperation operation,
    TextOperation original,
    List<Note> notes) {

  /** A revision without notes. */
  public Revision(
      long revision,
      long baseRevision,
      long batchFirst,
      String author,
      String clientId,
      long batchSeq,
      long timestampMillis,
      long madeAtMillis,
      TextOperation operation,
      TextOperation original) {
    this(
        revision,
        baseRevision,
        batchFirst,
        author,
        clientId,
        batchSeq,
        timestampMillis,
        madeAtMillis,
        operation,
        original,
        List.of());
  }

  public Revision {
    notes = List.copyOf(notes);
    Objects.requireNonNull(author, "author == null");
    Objects.requireNonNull(clientId, "clientId == null");
    Objects.requireNonNull(operation, "operation == null");
    Objects.requireNonNull(original, "original == null");
    if (revision < 1 || baseRevision >= batchFirst || batchFirst > revision) {
      throw new IllegalArgumentException(
          "revision "
              + revision
              + ", batch first "
              + batchFirst
              + " and base "
              + baseRevision
              + " do not fit together");
    }
  }

  /** A revision whose author's time is not known: taken as made when it was sequenced. */
  public Revision(
      long revision,
      long baseRevision,
      long batchFirst,
      String author,
      String clientId,
      long batchSeq,
      long timestampMillis,
      TextOperation operation,
      TextOperation original) {
    this(
        revision,
        baseRevision,
        batchFirst,
        author,
        clientId,
        batchSeq,
        timestampMillis,
        timestampMillis,
        operation,
        original);
  }

  /** The document's length in code points after this revision. */
  public int length() {
    return operation.targetLength();
  }
}
