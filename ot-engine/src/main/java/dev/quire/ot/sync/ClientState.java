package dev.quire.ot.sync;

import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link ClientSync} needs to continue after a restart, besides the canonical log:
 * persist it with the log and restore both together.
 *
 * @param revision the log head this state goes with
 * @param nextBatchSeq the sequence number the next new batch gets
 * @param inFlight the batch sent and not yet acknowledged, exactly as sent, or null
 * @param inFlightOperations the in-flight operations transformed past the revisions received since
 *     it was sent; empty when nothing is in flight
 * @param queued local operations made after the in-flight batch, not yet sent
 * @param notes notes not yet sent, their anchors in the local text (the head with the in-flight and
 *     queued operations applied)
 */
public record ClientState(
    String clientId,
    long revision,
    long nextBatchSeq,
    @Nullable Batch inFlight,
    List<TextOperation> inFlightOperations,
    List<TextOperation> queued,
    List<Note> notes) {

  /** A state without unsent notes. */
  public ClientState(
      String clientId,
      long revision,
      long nextBatchSeq,
      @Nullable Batch inFlight,
      List<TextOperation> inFlightOperations,
      List<TextOperation> queued) {
    this(clientId, revision, nextBatchSeq, inFlight, inFlightOperations, queued, List.of());
  }

  public ClientState {
    Objects.requireNonNull(clientId, "clientId == null");
    if (clientId.isBlank()) {
      // Refused here, not only when the first batch is built: by then edits are queued.
      throw new IllegalArgumentException("clientId must not be blank");
    }
    inFlightOperations = List.copyOf(inFlightOperations);
    queued = List.copyOf(queued);
    notes = List.copyOf(notes);
    if (revision < 0 || nextBatchSeq < 1) {
      throw new IllegalArgumentException(
          "revision " + revision + " or nextBatchSeq " + nextBatchSeq + " out of range");
    }
    if (inFlight == null
        ? !inFlightOperations.isEmpty()
        : inFlightOperations.size() != inFlight.size()) {
      throw new IllegalArgumentException("in-flight operations do not match the in-flight batch");
    }
  }
}
