package dev.quire.editor.cli;

import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.editor.sync.SyncStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code sync} is doing, for {@link Progress}: the first document still catching up or
 * sending, with its counts, or the connection. Owner thread only.
 */
final class SyncProgress {
  private final SyncEngine engine;
  // The most unacknowledged edits seen per document: the size of its upload.
  private final Map<String, Integer> uploads = new HashMap<>();

  SyncProgress(SyncEngine engine) {
    this.engine = engine;
  }

  /** What sync is doing now, or null when every document is done. */
  Progress.Step step() {
    if (engine.offlineReason() != null || engine.isConnecting()) {
      return new Progress.Step("sync: connecting to " + engine.relay(), 0, -1, "edits");
    }
    DocumentSession sending = null;
    for (DocumentSession s : engine.sessions()) {
      SyncStatus st = s.status();
      if (st.state() == SyncStatus.State.CATCHING_UP) {
        return new Progress.Step(
            "sync " + s.id() + ": catching up", st.caughtUp(), st.toCatchUp(), "revisions");
      }
      if (st.state() == SyncStatus.State.UPLOADING) {
        return new Progress.Step(
            "sync " + s.id() + ": uploading", st.caughtUp(), st.toCatchUp(), "revisions");
      }
      int unsent = s.unacknowledged();
      if (unsent > 0) {
        uploads.merge(s.id(), unsent, Math::max);
        if (sending == null) {
          sending = s;
        }
      }
    }
    if (sending != null) {
      int total = uploads.get(sending.id());
      return new Progress.Step(
          "sync " + sending.id() + ": sending", total - sending.unacknowledged(), total, "edits");
    }
    return null; // nothing left to show
  }
}
