package dev.quire.editor.ui;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.swing.SwingUtilities;

/**
 * Keeps the document list in step with the profile, by events rather than by polling: the store
 * tells of every commit that changes its documents (created, deleted, renamed, revisions received,
 * sync state), and the list is read again then, at most one read at a time; the open document's
 * revision and unsent count come from its session as they change, since the store's copy of them
 * lags by a commit. Event thread only, except the store's call, which it hands over.
 */
final class DocumentListFeed {
  private final LocalStore store;
  private final DocumentSidebar sidebar;
  private final Supplier<DocumentSession> open;
  private final Consumer<List<LocalDocument>> listed;
  private final Consumer<String> problems;
  private final LocalStore.DocumentsListener storeChanged =
      () -> SwingUtilities.invokeLater(this::refresh);
  private boolean reading;
  private boolean readAgain;
  private boolean stopped;

  /**
   * @param open the open document's session, or null
   * @param listed told each new list from the store, after it is shown
   */
  DocumentListFeed(
      LocalStore store,
      DocumentSidebar sidebar,
      Supplier<DocumentSession> open,
      Consumer<List<LocalDocument>> listed,
      Consumer<String> problems) {
    this.store = store;
    this.sidebar = sidebar;
    this.open = open;
    this.listed = listed;
    this.problems = problems;
  }

  /** Reads the list now and again whenever the store changes it, until {@link #stop}. */
  void start() {
    store.addDocumentsListener(storeChanged);
    refresh();
  }

  void stop() {
    stopped = true;
    store.removeDocumentsListener(storeChanged);
  }

  /** Reads the list from the store and shows it; a change meanwhile reads it once more after. */
  void refresh() {
    if (stopped) {
      return;
    }
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    Completions.whenDone(
        store.documents(),
        "Cannot read the documents",
        problem -> {
          reading = false;
          problems.accept(problem);
        },
        docs -> {
          reading = false;
          if (stopped) {
            return;
          }
          List<LocalDocument> shown = docs.stream().map(this::live).toList();
          sidebar.show(shown, selectedId());
          listed.accept(shown);
          if (readAgain) {
            readAgain = false;
            refresh();
          }
        });
  }

  /** The open document's session changed (an edit, an acknowledgement, its status): show it. */
  void openDocumentChanged() {
    DocumentSession s = open.get();
    if (s == null) {
      return;
    }
    for (LocalDocument d : sidebar.documents()) {
      if (d.id().equals(s.id())) {
        sidebar.replace(live(d));
        return;
      }
    }
  }

  /** {@code d} with the open session's live revision, unsent count and title, when it is open. */
  private LocalDocument live(LocalDocument d) {
    DocumentSession s = open.get();
    if (s == null || !d.id().equals(s.id())) {
      return d;
    }
    return new LocalDocument(
        d.id(),
        d.title(),
        d.createdMillis(),
        s.revision(),
        s.unacknowledged(),
        d.onRelay(),
        d.titleSynced(),
        d.relayHead(),
        d.lastSyncedMillis(),
        d.syncError(),
        s.role());
  }

  private String selectedId() {
    DocumentSession s = open.get();
    return s == null ? null : s.id();
  }
}
