package dev.quire.editor.sync;

import java.util.Objects;

/**
 * What a status bar shows for a document (or, combined, for the whole profile).
 *
 * @param state where sync is
 * @param caughtUp revisions received since catching up began (meaningful while {@link
 *     State#CATCHING_UP})
 * @param toCatchUp revisions to receive in all while catching up
 * @param unacknowledged local edits the relay has not acknowledged yet
 * @param error what went wrong, with {@link State#ERROR}; null otherwise
 */
public record SyncStatus(
    State state, long caughtUp, long toCatchUp, int unacknowledged, String error) {

  /** Where sync is. */
  public enum State {
    /** Not connected; edits stay in the local outbox. */
    OFFLINE,
    /** Connecting or authenticating. */
    CONNECTING,
    /** Receiving the revisions made elsewhere since the last sync. */
    CATCHING_UP,
    /**
     * Uploading the document's history to a relay that lacks it (protocol 5's {@code upload}):
     * {@code caughtUp} of {@code toCatchUp} revisions are there.
     */
    UPLOADING,
    /** Live, with local edits not yet acknowledged. */
    SENDING,
    /** Live, the outbox empty and every edit acknowledged by the relay. */
    SYNCED,
    /**
     * Live as a viewer's copy: it receives what others do, but the relay refuses this user's edits
     * (the owner made them a viewer), so the local edits not yet acknowledged are held, neither
     * sent nor dropped, until the user discards them ({@link DocumentSession#discardUnsent}) or is
     * given the editor role again.
     */
    REFUSED,
    /** Sync stopped for this document; the local copy is intact and editable. */
    ERROR
  }

  public SyncStatus {
    Objects.requireNonNull(state, "state == null");
  }

  static SyncStatus of(State state, int unacknowledged) {
    return new SyncStatus(state, 0, 0, unacknowledged, null);
  }

  /** True only when every local edit is acknowledged by the relay. */
  public boolean isSynced() {
    return state == State.SYNCED;
  }

  /** A short line for people: {@code synced}, {@code catching up 120 of 4000}, ... */
  public String describe() {
    String s =
        switch (state) {
          case OFFLINE -> "offline";
          case CONNECTING -> "connecting";
          case CATCHING_UP -> "catching up " + caughtUp + " of " + toCatchUp;
          case UPLOADING -> "uploading " + caughtUp + " of " + toCatchUp;
          case SENDING -> "sending";
          case SYNCED -> "synced";
          case REFUSED -> "refused: you can only read this document";
          case ERROR -> "error: " + error;
        };
    return unacknowledged > 0 ? s + ", " + unacknowledged + " unsent" : s;
  }
}
