package dev.quire.editor.ui;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentListener;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.RemotePresence;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.editor.sync.SyncStatus;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.Role;
import java.awt.BorderLayout;
import java.awt.CardLayout;
import java.awt.Rectangle;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.swing.BorderFactory;
import javax.swing.JFrame;
import javax.swing.JPanel;
import javax.swing.JSplitPane;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;
import org.fife.ui.rtextarea.RTextScrollPane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The editor window of one profile: the documents on the left ({@link DocumentSidebar}, kept
 * current by {@link DocumentListFeed}), the open document in the middle, sync status and
 * collaborators at the bottom. The menus are {@link EditorMenus}, what they do {@link
 * EditorActions}, the questions they ask {@link Dialogs}, and the sync engine {@link WindowSync}.
 *
 * <p>Everything here runs on the Swing event thread, which is also the owner thread of the
 * profile's sessions and sync engine; the store does its database work on its own thread. Nothing
 * polls: the window reacts to the store's, the sessions' and the engine's events.
 */
public final class EditorWindow extends JFrame {
  private static final Logger log = LoggerFactory.getLogger(EditorWindow.class);
  private static final String SYNC_PROBLEM = "sync";
  private static final String REFUSED = "refused";

  private final LocalStore store;
  private final UiPreferences prefs;
  private final QuireTextArea area = new QuireTextArea();
  private final StatusBar status = new StatusBar();
  private final ProblemBanners banners = new ProblemBanners();
  private final JPanel centre = new JPanel(new CardLayout());
  private final EditorMenus menus;
  private final SearchSupport search;
  private final DocumentSidebar sidebar;
  private final TrashView trash;
  private final JPanel sideCards = new JPanel(new CardLayout());
  private final DocumentListFeed documents;
  private final WindowSync sync;
  private final List<JFrame> historyWindows = new ArrayList<>();
  private final java.beans.PropertyChangeListener lookChanged = e -> lookChanged(e);
  private DocumentView view;
  private Collaborators collaborators;
  private CommentsPanel comments;
  private final KnownPeople people;
  private String shownTitle; // the open document's title in the window title
  private Settings settings;
  private SessionBinding binding;
  private DocumentListener sessionListener;
  private String openId; // the document shown, or being opened at start; "" once it was deleted
  private String openingId; // the document being opened, or null
  private CompletableFuture<DocumentSession> opening;
  private Runnable onClosed = () -> {};
  private Set<String> listedIds; // the ids in the last list from the store, null before the first
  private String awaitedId; // a document asked for before the profile had it, or null
  private javax.swing.Timer awaitLimit; // when to stop waiting for it
  private final Set<String> deletedIds = new HashSet<>(); // deleted from this window

  /** Builds the window; call on the event thread. {@code settings} as read from the profile. */
  public EditorWindow(LocalStore store, Settings settings) {
    super("Quire");
    this.store = store;
    this.settings = settings;
    this.prefs = new UiPreferences(store.dir());
    this.people = new KnownPeople(prefs);
    EditorActions actions = new EditorActions(this, store, prefs);
    this.search = new SearchSupport(this, area, this::hint);
    actions.setSearch(search);
    this.menus = new EditorMenus(actions);
    this.sidebar =
        new DocumentSidebar(
            d -> openDocument(d.id()),
            menus.documentMenu(),
            actions::newDocument,
            this::showTrash,
            this::isEncrypted);
    this.trash = new TrashView(new WindowTrash(), this::showDocuments);
    this.documents =
        new DocumentListFeed(store, sidebar, this::session, this::documentsListed, this::problem);
    this.sync =
        new WindowSync(
            store,
            this::syncProblem,
            status::showConnection,
            why -> Dialogs.confirmRefill(this, why),
            this::refreshTrashIfShown);
    PlainText.titleBar(getRootPane()); // the title holds the document's title
    setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
    addWindowListener(
        new WindowAdapter() {
          @Override
          public void windowClosing(WindowEvent e) {
            close();
          }
        });
    layOut(actions);
    setTitle(windowTitle(null));
    documents.start();
    startSync();
  }

  private void layOut(EditorActions actions) {
    area.setName("editor");
    boolean dark = Themes.isDark();
    Themes.apply(area, dark);
    RTextScrollPane scroll = new RTextScrollPane(area);
    scroll.setBorder(BorderFactory.createEmptyBorder());
    scroll.setFoldIndicatorEnabled(true);
    view = new DocumentView(area, scroll, prefs);
    collaborators = new Collaborators(area, scroll, this::hint);
    collaborators.showSelf(settings.displayName(), settings.colour());
    area.addCaretListener(e -> showCaretPosition());
    setJMenuBar(menus.menuBar(dark));
    menus.bindKeys(area);
    javax.swing.UIManager.addPropertyChangeListener(lookChanged);

    JPanel editorCard = new JPanel(new BorderLayout());
    editorCard.add(search.findBar(), BorderLayout.NORTH);
    editorCard.add(collaborators.view(), BorderLayout.CENTER);
    comments =
        new CommentsPanel(
            area,
            this::personOf,
            () -> sync.engine() == null ? null : sync.engine().user(),
            this::problem);
    editorCard.add(comments, BorderLayout.EAST);
    centre.add(new EmptyState(actions::newDocument, actions::importFile), "empty");
    centre.add(editorCard, "editor");

    sideCards.add(sidebar, "documents");
    sideCards.add(trash, "trash");
    JSplitPane side = new JSplitPane(JSplitPane.VERTICAL_SPLIT, sideCards, collaborators.list());
    side.setResizeWeight(1); // the documents take what the people list does not need
    side.setBorder(BorderFactory.createEmptyBorder());
    // The banners sit above both cards: a window's problem shows also while no document is open.
    JPanel bannersOverCentre = new JPanel(new BorderLayout());
    bannersOverCentre.add(banners, BorderLayout.NORTH);
    bannersOverCentre.add(centre, BorderLayout.CENTER);
    JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, side, bannersOverCentre);
    split.setDividerLocation(230);
    split.setBorder(BorderFactory.createEmptyBorder());
    getContentPane().add(split, BorderLayout.CENTER);
    getContentPane().add(status, BorderLayout.SOUTH);

    Rectangle bounds = prefs.bounds();
    if (bounds != null) {
      setBounds(bounds);
    } else {
      setSize(1100, 720);
      setLocationByPlatform(true);
    }
  }

  /** Runs {@code r} once the window has closed and released the profile. */
  public void onClosed(Runnable r) {
    this.onClosed = r;
  }

  /** Opens a document of the profile (it must exist locally). Event thread only. */
  public CompletableFuture<DocumentSession> openDocument(String id) {
    if (awaitedId != null && !id.equals(awaitedId)) {
      stopAwaiting(); // the user chose another one meanwhile
    }
    if (id.equals(openId) && binding != null) {
      return CompletableFuture.completedFuture(binding.session());
    }
    if (id.equals(openingId)) {
      // Already on its way (say, asked for at start and again by the first document list): a
      // second session would replace the first one's view, caret and all, once it was in use.
      return opening;
    }
    SyncEngine engine = sync.engine();
    CompletableFuture<DocumentSession> loading =
        engine != null ? engine.open(id) : DocumentSession.open(store, id, WindowSync.EDT, 1000);
    CompletableFuture<DocumentSession> shown = new CompletableFuture<>();
    openingId = id;
    opening = shown;
    loading.whenComplete(
        (session, error) ->
            SwingUtilities.invokeLater(
                () -> {
                  if (opening == shown) {
                    openingId = null;
                    opening = null;
                  }
                  if (error != null) {
                    problem("Cannot open the document: " + Completions.rootMessage(error));
                    shown.completeExceptionally(error);
                    return;
                  }
                  show(session);
                  shown.complete(session);
                }));
    return shown;
  }

  /** How long a document asked for is waited for in the relay's list when the profile lacks it. */
  static final java.time.Duration LISTING_WAIT = java.time.Duration.ofSeconds(30);

  /**
   * Opens a document the profile may not have yet (asked for by id at start): at once when it has
   * it; else when the relay's list of documents brings it, waiting up to {@link #LISTING_WAIT};
   * else a banner says why it is not there. Event thread only.
   */
  public void openWhenListed(String id) {
    openWhenListed(id, LISTING_WAIT);
  }

  void openWhenListed(String id, java.time.Duration wait) {
    stopAwaiting();
    awaitedId = id;
    awaitLimit =
        new javax.swing.Timer(
            (int) wait.toMillis(),
            e -> {
              if (id.equals(awaitedId)) {
                stopAwaiting();
                problem(
                    "No document "
                        + id
                        + ": not in this profile, and the relay did not list it within "
                        + wait.toSeconds()
                        + " s (it is not shared with you there, or the relay is not reachable)");
              }
            });
    awaitLimit.setRepeats(false);
    awaitLimit.start();
    store
        .document(id)
        .whenComplete(
            (d, error) ->
                SwingUtilities.invokeLater(
                    () -> {
                      if (error == null && d.isPresent()) {
                        openAwaited(id);
                      } else if (id.equals(awaitedId) && sync.engine() == null) {
                        stopAwaiting();
                        problem("No document " + id + " in this profile, and no relay to ask");
                      } else if (id.equals(awaitedId)) {
                        hint("Waiting for " + id + " from the relay…");
                      }
                    }));
  }

  /** Opens {@code id} if it is the document awaited, and stops waiting. */
  private void openAwaited(String id) {
    if (id.equals(awaitedId)) {
      stopAwaiting();
      openDocument(id);
    }
  }

  private void stopAwaiting() {
    awaitedId = null;
    if (awaitLimit != null) {
      awaitLimit.stop();
      awaitLimit = null;
    }
  }

  /** The open document's session, or null. */
  public DocumentSession session() {
    return binding == null ? null : binding.session();
  }

  QuireTextArea textArea() {
    return area;
  }

  List<LocalDocument> listedDocuments() {
    return sidebar.documents();
  }

  StatusBar statusBar() {
    return status;
  }

  SyncEngine engine() {
    return sync.engine();
  }

  DocumentView view() {
    return view;
  }

  Collaborators collaborators() {
    return collaborators;
  }

  Settings settings() {
    return settings;
  }

  // ---- the open document ----

  private void show(DocumentSession session) {
    if (binding != null && !binding.session().id().equals(session.id())) {
      binding.session().stopShowing(); // others stop seeing this user's caret there
    }
    unbind();
    openId = session.id();
    prefs.setLastDocument(openId);
    binding = new SessionBinding(session, area, this::problem);
    binding.onRefusedTyping(this::hint);
    area.bind(binding);
    showTitle(session.document().title());
    view.show(openId);
    menus.showWordWrap(view.wordWrap());
    sessionListener = new SessionEvents(session);
    session.addListener(sessionListener);
    comments.bind(session, binding);
    status.showStatus(session.status(), session.revision());
    status.showReadOnly(session.readOnly(), session.revision());
    showHeldEdits(session, session.status());
    area.showPresences(session.presences().values());
    status.showPeople(session.presences().values());
    banners.showDocument(openId);
    collaborators.documentChanged(session.presences().values());
    ((CardLayout) centre.getLayout()).show(centre, "editor");
    sidebar.show(sidebar.documents(), openId);
    documents.openDocumentChanged();
    showCaretPosition(); // the caret may not move on loading, so no caret event says where it is
    area.requestFocusInWindow();
  }

  /** What the open session tells the window: the status bar, carets, problems, its list entry. */
  private final class SessionEvents implements DocumentListener {
    private final DocumentSession session;

    SessionEvents(DocumentSession session) {
      this.session = session;
    }

    @Override
    public void remoteEdit(TextOperation op) {
      status.showStatus(session.status(), session.revision());
      documents.openDocumentChanged();
    }

    @Override
    public void roleChanged(dev.quire.ot.protocol.Role role) {
      status.showReadOnly(session.readOnly(), session.revision());
      showHeldEdits(session, session.status());
    }

    @Override
    public void statusChanged(SyncStatus s) {
      status.showStatus(s, session.revision());
      showHeldEdits(session, s);
      if (s.isSynced()) { // whatever stopped or slowed sync is over
        banners.resolve(session.id(), SYNC_PROBLEM);
        banners.resolve(ProblemBanners.WINDOW, SYNC_PROBLEM);
      }
      documents.openDocumentChanged();
    }

    @Override
    public void presenceChanged(Map<String, RemotePresence> bySession) {
      area.showPresences(bySession.values());
      status.showPeople(bySession.values());
      collaborators.show(bySession.values());
      bySession.values().forEach(p -> people.seen(p.user(), p.name(), p.colour()));
    }

    @Override
    public void problem(String message) {
      syncProblem(session.id(), message);
    }
  }

  /**
   * A viewer's copy holding edits the relay refuses: a banner saying so, with what the user can do
   * about them; it goes once they are copied, discarded or sent.
   */
  private void showHeldEdits(DocumentSession session, SyncStatus s) {
    boolean held =
        s.state() == SyncStatus.State.REFUSED
            || (session.readOnly() && s.unacknowledged() > 0); // offline, as last heard
    if (!held) {
      banners.resolve(session.id(), REFUSED);
      return;
    }
    banners.report(
        session.id(),
        REFUSED,
        "You may only read this document now: the relay refuses your "
            + s.unacknowledged()
            + " unsent edit(s), kept here and not sent.",
        List.of(
            new ProblemBanners.Action("Copy to a new document", () -> copyHeldEdits(session)),
            new ProblemBanners.Action("Discard my changes", () -> discardHeldEdits(session))));
  }

  /**
   * Keeps the local text of {@code session}, held edits included, as a new document of the user's
   * own (opened), then drops the held edits from {@code session}, which syncs on as a viewer's.
   */
  void copyHeldEdits(DocumentSession session) {
    create("Copy of " + session.document().title(), session.text())
        .thenRun(() -> discardUnsent(session));
  }

  /** Drops the held edits of {@code session} once the user confirmed it. */
  void discardHeldEdits(DocumentSession session) {
    if (Dialogs.confirmDiscard(this, session)) {
      discardUnsent(session);
    }
  }

  private void discardUnsent(DocumentSession session) {
    try {
      session.discardUnsent();
    } catch (IllegalStateException e) {
      problem(session.id(), REFUSED, "Cannot discard the edits: " + e.getMessage());
    }
  }

  /** Detaches the text area from the open document's session (the session itself stays open). */
  private void unbind() {
    if (binding != null) {
      view.leave();
      binding.session().removeListener(sessionListener);
      sessionListener = null; // it holds the session, and with it the text
      comments.bind(null, null);
      binding.dispose();
      binding = null;
      area.bind(null);
      collaborators.documentChanged(List.of());
    }
  }

  /**
   * A new list of the profile's documents, just shown: at start, opens the last document (or the
   * first); with a sync engine, hands it the documents that appeared since the last list (it opened
   * those before when it started).
   */
  private void documentsListed(List<LocalDocument> docs) {
    docs.stream()
        .filter(d -> binding != null && d.id().equals(openId) && !d.title().equals(shownTitle))
        .findFirst()
        .ifPresent(d -> showTitle(d.title())); // renamed, here or by someone else
    if (awaitedId != null && docs.stream().anyMatch(d -> d.id().equals(awaitedId))) {
      openAwaited(awaitedId);
    }
    if (openId == null && openingId == null && awaitedId == null && !docs.isEmpty()) {
      String last = prefs.lastDocument();
      String first = docs.stream().anyMatch(d -> d.id().equals(last)) ? last : docs.get(0).id();
      openId = first; // once: the user's later choice wins
      openDocument(first);
    }
    Set<String> before = listedIds;
    listedIds = new HashSet<>();
    docs.forEach(d -> listedIds.add(d.id()));
    SyncEngine engine = sync.engine();
    if (engine != null && before != null) {
      for (String id : listedIds) {
        if (!before.contains(id) && !id.equals(openingId)) {
          engine.open(id); // already open: the same session; deleted meanwhile: nothing to sync
        }
      }
    }
  }

  // ---- document commands (the dialogs are EditorActions') ----

  /** True when the document is encrypted end to end (as this profile knows). */
  boolean isEncrypted(String id) {
    dev.quire.editor.sync.SyncEngine engine = sync == null ? null : sync.engine();
    if (engine != null) {
      return engine.keyring().isEncrypted(id);
    }
    return localKeyring().isEncrypted(id);
  }

  private dev.quire.editor.crypto.Keyring localKeyring; // read when no sync engine is running

  private dev.quire.editor.crypto.Keyring localKeyring() {
    if (localKeyring == null) {
      localKeyring = dev.quire.editor.crypto.Keyring.load(store).join();
    }
    return localKeyring;
  }

  /** The keyring new encrypted documents get their first key in: the sync engine's, if any. */
  private dev.quire.editor.crypto.Keyring keyring() {
    dev.quire.editor.sync.SyncEngine engine = sync == null ? null : sync.engine();
    return engine != null ? engine.keyring() : localKeyring();
  }

  /**
   * Creates an empty local document encrypted end to end: its first key is made here, and it
   * reaches the relay, encrypted, at the next sync.
   */
  CompletableFuture<String> createEncrypted(String title) {
    String id = "d-" + UUID.randomUUID().toString().substring(0, 13);
    CompletableFuture<String> created = new CompletableFuture<>();
    try {
      dev.quire.ot.protocol.Ids.requireTitle(title);
    } catch (IllegalArgumentException e) {
      problem("Cannot create the document: " + e.getMessage());
      created.completeExceptionally(e);
      return created;
    }
    dev.quire.editor.crypto.Keyring keys = keyring();
    store
        .createDocument(id, title, System.currentTimeMillis(), false, List.of())
        .thenCompose(ok -> keys.newDocument(id))
        .whenComplete(
            (ok, error) ->
                SwingUtilities.invokeLater(
                    () -> {
                      if (error != null) {
                        problem("Cannot create the document: " + Completions.rootMessage(error));
                        created.completeExceptionally(error);
                        return;
                      }
                      openDocument(id);
                      created.complete(id);
                    }));
    return created;
  }

  /** Creates a local document; it reaches the relay with its history at the next sync. */
  CompletableFuture<String> create(String title, String text) {
    String id = "d-" + UUID.randomUUID().toString().substring(0, 13);
    CompletableFuture<String> created = new CompletableFuture<>();
    try {
      dev.quire.ot.protocol.Ids.requireTitle(title);
    } catch (IllegalArgumentException e) {
      problem("Cannot create the document: " + e.getMessage());
      created.completeExceptionally(e);
      return created;
    }
    store
        .createDocument(
            id, title, System.currentTimeMillis(), false, DocumentSession.insertsOf(text))
        .whenComplete(
            (ok, error) ->
                SwingUtilities.invokeLater(
                    () -> {
                      if (error != null) {
                        problem("Cannot create the document: " + Completions.rootMessage(error));
                        created.completeExceptionally(error);
                        return;
                      }
                      openDocument(id);
                      created.complete(id);
                    }));
    return created;
  }

  /** Gives the open document a new title. */
  void rename(String title) {
    DocumentSession s = session();
    if (s == null) {
      return;
    }
    try {
      s.rename(title);
    } catch (IllegalArgumentException e) {
      problem("Cannot rename: " + e.getMessage());
      return;
    }
    showTitle(title);
  }

  /** The open document's title in the window title, and the syntax its extension suggests. */
  private void showTitle(String title) {
    shownTitle = title;
    setTitle(windowTitle(title));
    DocumentSession s = session();
    if (s != null) { // a new extension may mean another language, unless one was chosen
      area.setSyntaxEditingStyle(EditorMenus.syntaxFor(s.id(), title, prefs));
      menus.selectSyntax(area.chosenSyntax());
    }
  }

  /** Shows the relay's trash in the sidebar, read afresh. */
  void showTrash() {
    ((CardLayout) sideCards.getLayout()).show(sideCards, "trash");
    trash.refresh();
  }

  /**
   * Reads the relay's trash again when the Trash view shows: a document was deleted or restored,
   * here or elsewhere (another window, another device), and the relay announced it.
   */
  private void refreshTrashIfShown() {
    if (trash.isShowing()) {
      trash.refresh();
    }
  }

  /** Shows the profile's documents in the sidebar again. */
  void showDocuments() {
    ((CardLayout) sideCards.getLayout()).show(sideCards, "documents");
  }

  /** The trash view, for tests. */
  TrashView trashView() {
    return trash;
  }

  /** The relay's trash through this window's sync engine; without one, each action says why. */
  private final class WindowTrash implements TrashView.RelayTrash {
    private <T> CompletableFuture<T> withEngine(
        java.util.function.Function<SyncEngine, CompletableFuture<T>> f) {
      SyncEngine engine = sync.engine();
      return engine != null
          ? f.apply(engine)
          : CompletableFuture.failedFuture(
              new IllegalStateException(
                  "no relay is set up: the trash is kept on the relay (Sync › Settings)"));
    }

    @Override
    public CompletableFuture<java.util.List<dev.quire.ot.protocol.TrashedDocument>> list() {
      return withEngine(SyncEngine::trash);
    }

    @Override
    public CompletableFuture<?> restore(String doc) {
      return withEngine(e -> e.restore(doc));
    }

    @Override
    public CompletableFuture<?> purge(String doc) {
      return withEngine(e -> e.purge(doc));
    }

    @Override
    public CompletableFuture<Long> empty() {
      return withEngine(SyncEngine::emptyTrash);
    }
  }

  /** Deletes a document from the profile (and from the relay when it has it); no questions. */
  CompletableFuture<Boolean> delete(String id) {
    if (id.equals(openId)) {
      unbind();
      openId = "";
      ((CardLayout) centre.getLayout()).show(centre, "empty");
      banners.showDocument(null);
      status.showStatus(null, 0);
      shownTitle = null;
      setTitle(windowTitle(null));
    }
    SyncEngine engine = sync.engine();
    CompletableFuture<Boolean> done =
        engine != null ? engine.delete(id) : store.deleteDocument(id, System.currentTimeMillis());
    banners.forget(id);
    deletedIds.add(id); // the relay's answers about it are no one's concern now
    Completions.whenDone(done, "Cannot delete the document", this::problem, d -> hint("Deleted"));
    return done;
  }

  /**
   * Gives another user of the relay a role on a document (null takes it away). Completes on the
   * event thread when the relay confirms; fails with the reason when offline or refused.
   */
  public CompletableFuture<Void> share(String docId, String user, Role role) {
    SyncEngine engine = sync.engine();
    if (engine == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("set a relay in Sync › Settings to share documents"));
    }
    return engine.share(docId, user, role);
  }

  /** Asks for a comment on the selected text of the open document. */
  void addComment() {
    if (session() != null) {
      comments.addComment();
    }
  }

  /** The comments beside the text. */
  CommentsPanel comments() {
    return comments;
  }

  /**
   * How {@code user} shows: this profile's own user as its settings say (no caret of its own tells
   * the window), everyone else as last seen beside their caret; null when never seen.
   */
  private dev.quire.editor.ui.history.Person personOf(String user) {
    SyncEngine engine = sync.engine();
    if (engine != null
        && user.equals(engine.user())
        && !settings.displayName().isBlank()
        && settings.colour().matches("#[0-9a-fA-F]{6}")) {
      return new dev.quire.editor.ui.history.Person(
          settings.displayName(), Colours.parse(settings.colour()));
    }
    return people.of(user);
  }

  /** Opens the open document's history in its own window; null when no document is open. */
  JFrame showHistory() {
    DocumentSession s = session();
    if (s == null) {
      return null;
    }
    SyncEngine engine = sync.engine();
    if (engine != null && engine.user() != null) {
      people.seen(engine.user(), settings.displayName(), settings.colour());
    }
    // Offline, the user the relay took this profile's batches as, once known.
    java.util.concurrent.atomic.AtomicReference<String> sentAs =
        new java.util.concurrent.atomic.AtomicReference<>();
    store.ownUser().thenAccept(u -> u.ifPresent(sentAs::set));
    JFrame history =
        dev.quire.editor.ui.history.HistoryPanel.showWindow(
            this,
            store,
            s,
            people::of,
            () ->
                sync.engine() != null && sync.engine().user() != null
                    ? sync.engine().user()
                    : sentAs.get());
    historyWindows.add(history);
    return history;
  }

  // ---- sync ----

  private void startSync() {
    sync.start(settings, menus.offline());
    if (sync.engine() == null) {
      status.showConnection(
          settings.relays().isEmpty()
              ? "No relay set: working offline (Sync › Settings)"
              : "Working offline (Sync › Work offline)");
      DocumentSession s = session();
      status.showStatus(s == null ? null : s.status(), s == null ? 0 : s.revision());
    }
  }

  /** Stops syncing and reopens the current document without the engine, or with a new one. */
  void restartSync() {
    String current = openId;
    unbind();
    sync.stop();
    openId = null;
    startSync();
    if (current != null && !current.isEmpty()) {
      openDocument(current);
    }
  }

  /** The settings were saved: sync with them. */
  void settingsChanged(Settings s) {
    settings = s;
    collaborators.showSelf(s.displayName(), s.colour());
    restartSync();
  }

  // ---- messages ----

  /** Something about the window the user must see: a banner over the text until closed. */
  void problem(String message) {
    log.warn("{}", message);
    banners.report(ProblemBanners.WINDOW, "window", message);
  }

  /**
   * Something about {@code document} the user must see: a banner over it, while it is open, until
   * closed or {@link #resolved}. A document no longer listed (deleted) shows nothing: it is logged.
   */
  void problem(String document, String kind, String message) {
    log.warn("{}: {}", document, message);
    boolean gone =
        deletedIds.contains(document)
            || (listedIds != null && !listedIds.contains(document) && !document.equals(openId));
    if (!gone) {
      banners.report(document, kind, message);
    }
  }

  /** The problem of {@code kind} about {@code document} is over: its banner goes. */
  void resolved(String document, String kind) {
    banners.resolve(document, kind);
  }

  /** A sync problem: about one document, or (document null) about the relay as a whole. */
  private void syncProblem(String document, String message) {
    if (document == null) {
      log.warn("{}", message);
      banners.report(ProblemBanners.WINDOW, SYNC_PROBLEM, message);
    } else {
      problem(document, SYNC_PROBLEM, message);
    }
  }

  /** The banners shown now (tests). */
  java.util.List<String> shownProblems() {
    return banners.shownMessages();
  }

  /** A passing remark in the status bar. */
  void hint(String message) {
    status.showHint(message);
  }

  /** The document, and whose window this is (two profiles side by side look alike otherwise). */
  private String windowTitle(String document) {
    String who = settings.displayName().isEmpty() ? "" : " · " + settings.displayName();
    DocumentSession s = session();
    String lock = document != null && s != null && isEncrypted(s.id()) ? " (encrypted)" : "";
    return (document == null ? "" : document + lock + " — ") + "Quire" + who;
  }

  private void showCaretPosition() {
    if (binding == null) {
      return; // the text area still holds a closed document's text: its caret is no one's
    }
    status.showCaret(area.getCaretLineNumber() + 1, area.getCaretOffsetFromLineStart() + 1);
  }

  // ---- the look ----

  /** Another look for every window (see {@link Themes#switchTo}): this one's text follows. */
  private void lookChanged(java.beans.PropertyChangeEvent e) {
    if (!"lookAndFeel".equals(e.getPropertyName())) {
      return;
    }
    boolean dark = Themes.isDark();
    prefs.setDark(dark);
    menus.showTheme(dark);
    // After every component took the new look's defaults, which the theme's colours then replace.
    SwingUtilities.invokeLater(
        () -> {
          Themes.apply(area, Themes.isDark());
          view.themeApplied();
        });
  }

  // ---- closing ----

  /** Closes the window: stops syncing, waits for the store's last commit, releases the profile. */
  public void close() {
    if (!isDisplayable()) {
      return;
    }
    documents.stop();
    javax.swing.UIManager.removePropertyChangeListener(lookChanged);
    prefs.setBounds(getBounds());
    historyWindows.forEach(JFrame::dispose); // they read this profile's store
    unbind();
    sync.stop();
    // A disposed window may stay referenced (Swing's focus manager keeps the last focused one until
    // another takes the focus): it keeps neither its session nor its view's document, which hold
    // the text several times over.
    area.dropText();
    dispose();
    // Closing the store waits for its last group commit: off the event thread.
    CompletableFuture.runAsync(store::close)
        .whenComplete((v, error) -> SwingUtilities.invokeLater(onClosed));
  }
}
