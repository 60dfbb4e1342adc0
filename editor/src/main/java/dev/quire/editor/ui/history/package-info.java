/**
 * The history view: {@link dev.quire.editor.ui.history.HistoryPanel} shows any revision of a
 * document from the local store, coloured by author, plays the history back and restores an old
 * revision as a new edit. {@code HistoryIndex} (off the event thread) builds frames from store
 * checkpoints and cached authorship snapshots; {@code AuthorSpans} and {@code Attribution} are the
 * run-length authorship; {@code Restore} turns the current text into an old one with one edit.
 */
package dev.quire.editor.ui.history;
