package dev.quire.editor.ui;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the menus, keys and buttons do: each command asks what it needs ({@link Dialogs}), then acts
 * on the window's open document, the store or the sync engine. Event thread only.
 */
final class EditorActions {
  private final EditorWindow window;
  private final LocalStore store;
  private final UiPreferences prefs;
  private SearchSupport search;

  EditorActions(EditorWindow window, LocalStore store, UiPreferences prefs) {
    this.window = window;
    this.store = store;
    this.prefs = prefs;
  }

  void setSearch(SearchSupport search) {
    this.search = search;
  }

  // ---- File ----

  void newDocument() {
    Dialogs.newTitle(window).ifPresent(title -> window.create(title, ""));
  }

  void newEncryptedDocument() {
    Dialogs.newTitle(window).ifPresent(window::createEncrypted);
  }

  void importFile() {
    Dialogs.fileToImport(window)
        .ifPresent(
            file ->
                Completions.whenDone(
                    CompletableFuture.supplyAsync(() -> DocumentFiles.readUtf8(file)),
                    "Not imported",
                    window::problem,
                    text -> window.create(file.getName(), text)));
  }

  void exportDocument() {
    DocumentSession s = window.session();
    if (s == null) {
      return;
    }
    Dialogs.fileToExportTo(window, s.document().title())
        .ifPresent(
            file -> {
              String text = s.text();
              Completions.whenDone(
                  CompletableFuture.runAsync(() -> DocumentFiles.writeUtf8(file, text)),
                  "Not exported",
                  window::problem,
                  v -> window.hint("Exported to " + file));
            });
  }

  void renameDocument() {
    DocumentSession s = window.session();
    if (s == null) {
      return;
    }
    Dialogs.rename(window, s.document().title()).ifPresent(window::rename);
  }

  void deleteDocument() {
    DocumentSession s = window.session();
    if (s != null && Dialogs.confirmDelete(window, s)) {
      window.delete(s.id());
    }
  }

  void shareDocument() {
    DocumentSession s = window.session();
    if (s == null) {
      return;
    }
    String doc = s.id();
    SyncEngine engine = window.engine();
    ShareDialog.Access access =
        engine == null
            ? null
            : new ShareDialog.Access() {
              @Override
              public CompletableFuture<List<Member>> members() {
                return engine.members(doc);
              }

              @Override
              public CompletableFuture<Void> share(String user, Role role) {
                return window.share(doc, user, role);
              }

              @Override
              public String me() {
                return engine.user();
              }

              @Override
              public CompletableFuture<Void> connected() {
                return engine.whenConnected();
              }
            };
    ShareDialog.ask(window, s.document().title(), access)
        .ifPresent(
            a ->
                Completions.whenDone(
                    window.share(doc, a.user(), a.role()),
                    "Not shared",
                    problem -> window.problem(doc, "share", problem),
                    v -> {
                      window.resolved(doc, "share");
                      window.hint(
                          a.role() == null
                              ? a.user() + " no longer has access"
                              : "Shared with " + a.user());
                    }));
  }

  void showHistory() {
    window.showHistory();
  }

  void addComment() {
    window.addComment();
  }

  void closeWindow() {
    window.close();
  }

  /** Ctrl+S: every edit is already saved; say so once the store has committed. */
  void saveNow() {
    store
        .flush()
        .whenComplete(
            (v, error) ->
                javax.swing.SwingUtilities.invokeLater(
                    () ->
                        window.hint(
                            error == null
                                ? "Every edit is saved as you type; nothing to do"
                                : "Saving failed: " + Completions.rootMessage(error))));
  }

  // ---- Edit ----

  /** False when the open document may only be read (the user is a viewer). */
  boolean canEdit() {
    DocumentSession s = window.session();
    return s == null || !s.readOnly();
  }

  void undo() {
    window.textArea().undoLastAction();
  }

  void redo() {
    window.textArea().redoLastAction();
  }

  void find() {
    search.showFind();
  }

  void replace() {
    search.showReplace();
  }

  void goToLine() {
    search.showGoToLine();
  }

  // ---- View ----

  /** One look for every window of the editor: see {@link Themes#switchTo}. */
  void setDark(boolean dark) {
    Themes.switchTo(dark);
  }

  void setWordWrap(boolean wrap) {
    window.view().setWordWrap(wrap);
  }

  void zoomIn() {
    window.view().zoomIn();
  }

  void zoomOut() {
    window.view().zoomOut();
  }

  void actualSize() {
    window.view().actualSize();
  }

  void chooseSyntax(String style) {
    window.textArea().setSyntaxEditingStyle(style);
    DocumentSession s = window.session();
    if (s != null) {
      prefs.setSyntax(s.id(), style);
    }
  }

  // ---- Sync ----

  void editSettings() {
    SettingsDialog.ask(window, window.settings())
        .ifPresent(
            s ->
                Completions.whenDone(
                    store.saveSettings(s),
                    "Settings not saved",
                    window::problem,
                    v -> window.settingsChanged(s)));
  }

  void restartSync() {
    window.restartSync();
  }
}
