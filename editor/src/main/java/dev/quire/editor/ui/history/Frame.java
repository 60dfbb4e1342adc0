package dev.quire.editor.ui.history;

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
 */
record Frame(
    long revision,
    String text,
    String author,
    long timestampMillis,
    long madeAtMillis,
    CompletableFuture<Colouring> colouring) {

  Frame {
    Objects.requireNonNull(text, "text == null");
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
