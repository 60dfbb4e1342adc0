/**
 * The history view. {@link dev.quire.editor.ui.history.HistoryPanel} (public) shows any revision of
 * a document from the local store, coloured by author, plays the history back and restores an old
 * revision as a new edit; {@code HistoryPanel.showWindow} opens it in its own window.
 *
 * <ul>
 *   <li>{@code HistoryIndex}: off the event thread, builds each revision's text and authorship from
 *       store checkpoints and authorship snapshots kept every thousand revisions.
 *   <li>{@code AuthorSpans}, {@code Attribution}: run-length authorship, mutable (a gap buffer of
 *       runs) and immutable.
 *   <li>{@code RevisionText}, {@code AuthorPainter}, {@code AuthorLegend}, {@code AuthorColours},
 *       {@code Playback}: the parts of the window.
 *   <li>{@code Person} (public): how an author is shown, the name and colour they have beside their
 *       caret (the opener of the history knows them; an unknown author shows by login name).
 *   <li>{@code Restore}: the one edit (a diff) that turns the current text into an old one.
 * </ul>
 *
 * <p>The design is described in docs/architecture.md, "The history view".
 */
package dev.quire.editor.ui.history;
