package dev.quire.editor.store;

import dev.quire.ot.protocol.Role;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A document as the local store knows it.
 *
 * @param head the latest revision in the local canonical log
 * @param pending local operations not yet acknowledged by the relay (the outbox)
 * @param onRelay the relay has the document (it was created there or opened from there)
 * @param titleSynced the relay has this title
 * @param relayHead the relay's head revision when last heard of
 * @param lastSyncedMillis when the outbox was last seen empty and acknowledged, or 0 if never
 * @param syncError why sync stopped for this document, or null
 * @param relayRole the user's role on the document as the relay last said it, or null when not
 *     known
 */
public record LocalDocument(
    String id,
    String title,
    long createdMillis,
    long head,
    int pending,
    boolean onRelay,
    boolean titleSynced,
    long relayHead,
    long lastSyncedMillis,
    String syncError,
    @Nullable Role relayRole) {

  public LocalDocument {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(title, "title == null");
  }

  /** A document whose role on the relay is not known. */
  public LocalDocument(
      String id,
      String title,
      long createdMillis,
      long head,
      int pending,
      boolean onRelay,
      boolean titleSynced,
      long relayHead,
      long lastSyncedMillis,
      String syncError) {
    this(
        id,
        title,
        createdMillis,
        head,
        pending,
        onRelay,
        titleSynced,
        relayHead,
        lastSyncedMillis,
        syncError,
        null);
  }

  /**
   * One word for scripts and lists: {@code local}, {@code synced}, {@code unsent}, {@code refused}
   * (unsent edits of a viewer, which the relay refuses), {@code error}.
   */
  public String syncState() {
    if (syncError != null) {
      return "error";
    }
    if (!onRelay) {
      return "local";
    }
    if (pending > 0 && relayRole == Role.VIEWER) {
      return "refused";
    }
    return pending == 0 && titleSynced ? "synced" : "unsent";
  }
}
