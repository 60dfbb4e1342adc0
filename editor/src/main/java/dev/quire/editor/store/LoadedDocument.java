package dev.quire.editor.store;

import dev.quire.ot.note.DocumentNotes;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.ClientState;
import java.util.List;
import java.util.Objects;

/**
 * What it takes to open a document for editing and sync: the head text, the tail of the log from
 * the latest checkpoint (enough to canonicalise what arrives next, more is loaded on demand), and
 * the outbox.
 *
 * @param tailFrom the first revision in {@code tail}; the log before it stays in the store
 * @param lengthBeforeTail the document's length at revision {@code tailFrom - 1}
 * @param tail the canonical operations from {@code tailFrom} to the head
 * @param headText the text at the head revision
 * @param state the sync state with the outbox ({@link ClientState#revision()} is the head)
 * @param pendingMadeAt when each pending operation was made, in the outbox's order
 * @param notes the comments and named versions at the head revision
 */
public record LoadedDocument(
    LocalDocument document,
    long tailFrom,
    int lengthBeforeTail,
    List<TextOperation> tail,
    String headText,
    ClientState state,
    List<Long> pendingMadeAt,
    DocumentNotes notes) {

  /** A document without comments or named versions. */
  public LoadedDocument(
      LocalDocument document,
      long tailFrom,
      int lengthBeforeTail,
      List<TextOperation> tail,
      String headText,
      ClientState state,
      List<Long> pendingMadeAt) {
    this(
        document,
        tailFrom,
        lengthBeforeTail,
        tail,
        headText,
        state,
        pendingMadeAt,
        new DocumentNotes());
  }

  public LoadedDocument {
    Objects.requireNonNull(document, "document == null");
    Objects.requireNonNull(headText, "headText == null");
    Objects.requireNonNull(state, "state == null");
    tail = List.copyOf(tail);
    pendingMadeAt = List.copyOf(pendingMadeAt);
  }
}
