package dev.quire.editor.ui.history;

import dev.quire.ot.note.Note;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What the history view shows for one revision: its text and who made it at once, the authorship of
 * every character when it is known (already complete when the revision is indexed).
 *
 * @param author who made the revision, or null for revision 0 (the empty document)
 * @param timestampMillis when the relay sequenced it, or 0 for revision 0
 * @param madeAtMillis when its author made it, by their clock, or 0 for revision 0
 * @param notes the notes of its batch when it is the batch's last revision, else none
 * @param changesText false when its operation changes nothing (a batch of notes alone)
 */
record Frame(
    long revision,
    String text,
    String author,
    long timestampMillis,
    long madeAtMillis,
    List<Note> notes,
    boolean changesText,
    CompletableFuture<Colouring> colouring) {

  Frame {
    Objects.requireNonNull(text, "text == null");
    notes = List.copyOf(notes);
    Objects.requireNonNull(colouring, "colouring == null");
  }

  /**
   * The author of every character of a revision's text.
   *
   * @param authors author names by index; holds every index the attribution uses
   */
  record Colouring(long revision, Attribution attribution, List<String> authors) {
    Colouring {
      Objects.requireNonNull(attribution, "attribution == null");
      authors = List.copyOf(authors);
    }
  }
}
