package dev.quire.editor.sync;

import dev.quire.ot.operation.TextOperation;
import java.util.Map;

/**
 * What a {@link DocumentSession} tells its user interface. Every method is called on the owner
 * thread (the Swing event thread in the editor), after the session's own state has changed.
 */
public interface DocumentListener {

  /**
   * Someone else's edit, already applied to {@link DocumentSession#text()}; apply it to the view.
   * It is not a local edit: do not send it back, do not put it in the undo history.
   */
  default void remoteEdit(TextOperation op) {}

  /**
   * A local edit made through {@link DocumentSession#edit}, already applied to {@link
   * DocumentSession#text()}. A view that made the edit itself ignores it; another view of the same
   * session (or a command such as restoring a revision) applies it.
   */
  default void localEdit(TextOperation op) {}

  /** The sync status changed. */
  default void statusChanged(SyncStatus status) {}

  /** Collaborators' carets or selections changed (positions in the current local text). */
  default void presenceChanged(Map<String, RemotePresence> bySession) {}

  /** The relay said the user's role on the document, and it differs from what was known. */
  default void roleChanged(dev.quire.ot.protocol.Role role) {}

  /** Comments or named versions changed (anchors moving with edits are not told: see edits). */
  default void notesChanged() {}

  /** Something went wrong that the user should see; sync may have stopped for the document. */
  default void problem(String message) {}
}
