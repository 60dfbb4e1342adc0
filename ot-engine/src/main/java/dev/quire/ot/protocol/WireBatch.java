package dev.quire.ot.protocol;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.MalformedOperationException;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Batch} as it travels: the same header, with each operation kept as the JSON text it was
 * sent as. The relay sequences, stores and serves these texts without reading them ({@code
 * --opaque}); {@link #toBatch()} reads them as {@link TextOperation}s for anyone who wants to.
 *
 * @param operations one JSON text per operation, each one whole JSON value (the codec guarantees
 *     this for decoded batches; whoever builds one by hand must too)
 * @param madeAt when the batch's first edit was made, epoch milliseconds on the author's clock;
 *     kept with the batch so that a batch sent again carries the same time
 * @param notes the batch's notes as the JSON text of one array (see {@link NoteCodec}), or null for
 *     none; kept as text like the operations
 */
public record WireBatch(
    String clientId,
    long batchSeq,
    long baseRevision,
    List<String> operations,
    long madeAt,
    @Nullable String notes) {

  /** A batch without notes. */
  public WireBatch(
      String clientId, long batchSeq, long baseRevision, List<String> operations, long madeAt) {
    this(clientId, batchSeq, baseRevision, operations, madeAt, null);
  }

  public WireBatch {
    Ids.requireText("clientId", clientId, Ids.MAX_NAME);
    if (batchSeq < 1) {
      throw new IllegalArgumentException("batchSeq must be at least 1, was " + batchSeq);
    }
    if (baseRevision < 0) {
      throw new IllegalArgumentException("baseRevision must not be negative, was " + baseRevision);
    }
    operations = List.copyOf(operations);
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one operation");
    }
    if (madeAt < 0) {
      throw new IllegalArgumentException("madeAt must not be negative, was " + madeAt);
    }
    if (notes != null && notes.isBlank()) {
      throw new IllegalArgumentException("notes must be a JSON array or absent");
    }
  }

  /** The same batch, made at {@code madeAt}. */
  public WireBatch withMadeAt(long madeAt) {
    return madeAt == this.madeAt
        ? this
        : new WireBatch(clientId, batchSeq, baseRevision, operations, madeAt, notes);
  }

  /** The wire form of a batch of operations whose first edit was made at {@code madeAt}. */
  public static WireBatch of(Batch batch, long madeAt) {
    Objects.requireNonNull(batch, "batch == null");
    List<String> ops = new ArrayList<>(batch.size());
    for (TextOperation op : batch.operations()) {
      ops.add(OperationCodec.toJson(op));
    }
    String notes = batch.notes().isEmpty() ? null : NoteCodec.toJson(batch.notes());
    return new WireBatch(
        batch.clientId(), batch.batchSeq(), batch.baseRevision(), ops, madeAt, notes);
  }

  public int size() {
    return operations.size();
  }

  /**
   * Reads the operations.
   *
   * @throws MalformedMessageException naming {@code batch.operations[i]} when one is not an
   *     operation, or when they do not chain (each must apply to the result of the one before), or
   *     the field of {@code batch.notes} that is not a note
   */
  public Batch toBatch() {
    List<TextOperation> ops = new ArrayList<>(operations.size());
    for (int i = 0; i < operations.size(); i++) {
      try {
        ops.add(OperationCodec.fromJson(operations.get(i)));
      } catch (MalformedOperationException e) {
        throw new MalformedMessageException("batch.operations[" + i + "]: " + e.getMessage(), e);
      }
    }
    List<Note> read = notes == null ? List.of() : NoteCodec.fromJson(notes, "batch.notes");
    try {
      return new Batch(clientId, batchSeq, baseRevision, ops, read);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("batch.operations: " + e.getMessage(), e);
    }
  }
}
