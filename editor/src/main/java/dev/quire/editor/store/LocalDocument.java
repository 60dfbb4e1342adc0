package dev.quire.editor.store;

import java.util.Objects;

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
    String syncError) {

  public LocalDocument {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(title, "title == null");
  }

  /**
   * One word for scripts and lists: {@code local}, {@code synced}, {@code unsent}, {@code error}.
   */
  public String syncState() {
    if (syncError != null) {
      return "error";
    }
    if (!onRelay) {
      return "local";
    }
    return pending == 0 && titleSynced ? "synced" : "unsent";
  }
}
