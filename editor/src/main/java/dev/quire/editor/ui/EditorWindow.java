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
import java.awt.BorderLayout;
import java.awt.CardLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Toolkit;
import java.awt.event.ActionEvent;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.ButtonGroup;
import javax.swing.JButton;
import javax.swing.JCheckBoxMenuItem;
import javax.swing.JComponent;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JPopupMenu;
import javax.swing.JRadioButtonMenuItem;
import javax.swing.JSplitPane;
import javax.swing.KeyStroke;
import javax.swing.SwingConstants;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.WindowConstants;
import org.fife.ui.rsyntaxtextarea.FileTypeUtil;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rtextarea.RTextScrollPane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The editor window of one profile: the documents on the left, the open document in the middle,
 * sync status and collaborators at the bottom. Everything here runs on the Swing event thread,
 * which is also the owner thread of the profile's sessions and sync engine; the store does its
 * database work on its own thread.
 */
public final class EditorWindow extends JFrame {
  private static final Logger log = LoggerFactory.getLogger(EditorWindow.class);
  private static final Executor EDT = SwingUtilities::invokeLater;
  private static final int SHORTCUT = Toolkit.getDefaultToolkit().getMenuShortcutKeyMaskEx();

  /** Syntax styles offered in the View menu: name shown, RSyntaxTextArea style. */
  private static final String[][] SYNTAXES = {
    {"Plain text", SyntaxConstants.SYNTAX_STYLE_NONE},
    {"Markdown", SyntaxConstants.SYNTAX_STYLE_MARKDOWN},
    {"Java", SyntaxConstants.SYNTAX_STYLE_JAVA},
    {"Kotlin", SyntaxConstants.SYNTAX_STYLE_KOTLIN},
    {"JavaScript", SyntaxConstants.SYNTAX_STYLE_JAVASCRIPT},
    {"TypeScript", SyntaxConstants.SYNTAX_STYLE_TYPESCRIPT},
    {"Python", SyntaxConstants.SYNTAX_STYLE_PYTHON},
    {"Go", SyntaxConstants.SYNTAX_STYLE_GO},
    {"Rust", SyntaxConstants.SYNTAX_STYLE_RUST},
    {"C", SyntaxConstants.SYNTAX_STYLE_C},
    {"C++", SyntaxConstants.SYNTAX_STYLE_CPLUSPLUS},
    {"C#", SyntaxConstants.SYNTAX_STYLE_CSHARP},
    {"HTML", SyntaxConstants.SYNTAX_STYLE_HTML},
    {"CSS", SyntaxConstants.SYNTAX_STYLE_CSS},
    {"XML", SyntaxConstants.SYNTAX_STYLE_XML},
    {"JSON", SyntaxConstants.SYNTAX_STYLE_JSON},
    {"YAML", SyntaxConstants.SYNTAX_STYLE_YAML},
    {"SQL", SyntaxConstants.SYNTAX_STYLE_SQL},
    {"Shell", SyntaxConstants.SYNTAX_STYLE_UNIX_SHELL},
    {"Properties", SyntaxConstants.SYNTAX_STYLE_PROPERTIES_FILE},
    {"Dockerfile", SyntaxConstants.SYNTAX_STYLE_DOCKERFILE},
  };

  private final LocalStore store;
  private final UiPreferences prefs;
  private final QuireTextArea area = new QuireTextArea();
  private final RTextScrollPane scroll = new RTextScrollPane(area);
  private final StatusBar status = new StatusBar();
  private final DocumentSidebar sidebar;
  private final JLabel banner = new JLabel();
  private final JPanel centre = new JPanel(new CardLayout());
  private final SearchSupport search;
  private final Timer refresh;
  private final JMenu syntaxMenu = new JMenu("Syntax");
  private final JCheckBoxMenuItem offlineItem = new JCheckBoxMenuItem("Work offline");
  private Settings settings;
  private SyncEngine engine;
  private SessionBinding binding;
  private DocumentListener sessionListener;
  private String openId;
  private Runnable onClosed = () -> {};
  private final List<JFrame> historyWindows = new java.util.ArrayList<>();

  /** Builds the window; call on the event thread. {@code settings} as read from the profile. */
  public EditorWindow(LocalStore store, Settings settings) {
    super("Quire");
    this.store = store;
    this.settings = settings;
    this.prefs = new UiPreferences(store.dir());
    this.search = new SearchSupport(this, area, this::hint);
    setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
    addWindowListener(
        new WindowAdapter() {
          @Override
          public void windowClosing(WindowEvent e) {
            close();
          }
        });

    area.setName("editor");
    Themes.apply(area, prefs.dark());
    scroll.setBorder(BorderFactory.createEmptyBorder());
    scroll.setFoldIndicatorEnabled(true);
    area.addCaretListener(e -> showCaretPosition());
    bindKeys();

    JPopupMenu docMenu = new JPopupMenu();
    docMenu.add(item("Rename…", null, this::renameDocument));
    docMenu.add(item("Export to a file…", null, this::exportDocument));
    docMenu.add(item("Share…", null, this::shareDocument));
    docMenu.add(item("History…", null, () -> showHistory()));
    docMenu.addSeparator();
    docMenu.add(item("Delete…", null, this::deleteDocument));
    sidebar = new DocumentSidebar(d -> openDocument(d.id()), docMenu, this::newDocument);

    banner.setName("banner");
    banner.setOpaque(true);
    banner.setBackground(new Color(0xfef3c7));
    banner.setForeground(new Color(0x78350f));
    banner.setBorder(BorderFactory.createEmptyBorder(6, 10, 6, 10));
    banner.setVisible(false);
    JPanel editorCard = new JPanel(new BorderLayout());
    editorCard.add(banner, BorderLayout.NORTH);
    editorCard.add(scroll, BorderLayout.CENTER);
    centre.add(emptyState(), "empty");
    centre.add(editorCard, "editor");

    JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, sidebar, centre);
    split.setDividerLocation(230);
    split.setBorder(BorderFactory.createEmptyBorder());
    getContentPane().add(split, BorderLayout.CENTER);
    getContentPane().add(status, BorderLayout.SOUTH);
    setJMenuBar(menuBar());

    Rectangle bounds = prefs.bounds();
    if (bounds != null) {
      setBounds(bounds);
    } else {
      setSize(1100, 720);
      setLocationByPlatform(true);
    }
    setTitle(windowTitle(null));
    refresh = new Timer(1500, e -> refreshDocuments());
    refresh.start();
    refreshDocuments();
    startSync();
  }

  /** Runs {@code r} once the window has closed and released the profile. */
  public void onClosed(Runnable r) {
    this.onClosed = r;
  }

  /** Opens a document of the profile (it must exist locally). Event thread only. */
  public CompletableFuture<DocumentSession> openDocument(String id) {
    if (id.equals(openId) && binding != null) {
      return CompletableFuture.completedFuture(binding.session());
    }
    if (id.equals(openingId)) {
      // Already on its way (say, asked for at start and again by the first document list): a
      // second session would replace the first one's view, caret and all, once it was in use.
      return opening;
    }
    CompletableFuture<DocumentSession> loading =
        engine != null ? engine.open(id) : DocumentSession.open(store, id, EDT, 1000);
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
                    problem("Cannot open the document: " + rootMessage(error));
                    shown.completeExceptionally(error);
                    return;
                  }
                  show(session);
                  shown.complete(session);
                }));
    return shown;
  }

  private String openingId; // the document being opened, or null (event thread)
  private CompletableFuture<DocumentSession> opening;

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
    return engine;
  }

  // ---- documents ----

  private void show(DocumentSession session) {
    unbind();
    openId = session.id();
    prefs.setLastDocument(openId);
    binding = new SessionBinding(session, area, this::problem);
    area.bind(binding);
    area.setSyntaxEditingStyle(syntaxFor(session.document()));
    selectSyntaxItem(area.getSyntaxEditingStyle());
    sessionListener =
        new DocumentListener() {
          @Override
          public void remoteEdit(TextOperation op) {
            status.showStatus(session.status(), session.revision());
          }

          @Override
          public void statusChanged(SyncStatus s) {
            status.showStatus(s, session.revision());
            if (s.state() != SyncStatus.State.ERROR) {
              hideBannerIfSyncProblem();
            }
          }

          @Override
          public void presenceChanged(Map<String, RemotePresence> bySession) {
            area.showPresences(bySession.values());
            status.showPeople(bySession.values());
          }

          @Override
          public void problem(String message) {
            EditorWindow.this.problem(message);
          }
        };
    session.addListener(sessionListener);
    status.showStatus(session.status(), session.revision());
    area.showPresences(session.presences().values());
    status.showPeople(session.presences().values());
    banner.setVisible(false);
    setTitle(windowTitle(session.document().title()));
    ((CardLayout) centre.getLayout()).show(centre, "editor");
    sidebar.show(sidebar.documents(), openId);
    area.requestFocusInWindow();
  }

  private int refreshes;

  private void refreshDocuments() {
    // Now and then ask the relay too: documents others created or shared appear by themselves.
    if (engine != null && ++refreshes % 4 == 0) {
      engine.syncAllDocuments();
    }
    whenDone(store.documents(), "Cannot read the documents", this::showDocuments);
  }

  /**
   * Runs {@code then} on the event thread with {@code work}'s result once it is done, or shows
   * {@code failure} and the reason when it failed.
   */
  private <T> void whenDone(CompletableFuture<T> work, String failure, Consumer<T> then) {
    work.whenComplete(
        (result, error) ->
            SwingUtilities.invokeLater(
                () -> {
                  if (error != null) {
                    problem(failure + ": " + rootMessage(error));
                  } else {
                    then.accept(result);
                  }
                }));
  }

  private void showDocuments(List<LocalDocument> stored) {
    // The open document's revision and unsent count are live in its session; the store's copy
    // of them lags by a commit.
    DocumentSession open = session();
    List<LocalDocument> docs =
        stored.stream()
            .map(
                d ->
                    open == null || !d.id().equals(open.id())
                        ? d
                        : new LocalDocument(
                            d.id(),
                            d.title(),
                            d.createdMillis(),
                            open.revision(),
                            open.unacknowledged(),
                            d.onRelay(),
                            d.titleSynced(),
                            d.relayHead(),
                            d.lastSyncedMillis(),
                            d.syncError()))
            .toList();
    sidebar.show(docs, openId);
    if (openId == null && openingId == null && !docs.isEmpty()) {
      String last = prefs.lastDocument();
      String first = docs.stream().anyMatch(d -> d.id().equals(last)) ? last : docs.get(0).id();
      openId = first; // once: the user's later choice wins
      openDocument(first);
    }
  }

  private void newDocument() {
    String title =
        (String)
            JOptionPane.showInputDialog(
                this,
                "Title (its extension chooses the syntax colours):",
                "New document",
                JOptionPane.PLAIN_MESSAGE,
                null,
                null,
                "Untitled.md");
    if (title != null) {
      create(title.strip(), "");
    }
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
                        problem("Cannot create the document: " + rootMessage(error));
                        created.completeExceptionally(error);
                        return;
                      }
                      refreshDocuments();
                      openDocument(id);
                      created.complete(id);
                    }));
    return created;
  }

  private void importFile() {
    JFileChooser chooser = new JFileChooser();
    chooser.setDialogTitle("Import a file");
    if (chooser.showOpenDialog(this) != JFileChooser.APPROVE_OPTION) {
      return;
    }
    File file = chooser.getSelectedFile();
    whenDone(
        CompletableFuture.supplyAsync(() -> readUtf8(file)),
        "Not imported",
        text -> create(file.getName(), text));
  }

  static String readUtf8(File file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(Files.readAllBytes(file.toPath())))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file.getName() + " is not UTF-8 text");
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage());
    }
  }

  private void exportDocument() {
    DocumentSession s = session();
    if (s == null) {
      return;
    }
    JFileChooser chooser = new JFileChooser();
    chooser.setDialogTitle("Export " + s.document().title());
    chooser.setSelectedFile(new File(s.document().title()));
    if (chooser.showSaveDialog(this) != JFileChooser.APPROVE_OPTION) {
      return;
    }
    File file = chooser.getSelectedFile();
    String text = s.text();
    CompletableFuture<Void> writing =
        CompletableFuture.runAsync(
            () -> {
              try {
                Files.writeString(file.toPath(), text, StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new IllegalArgumentException("Cannot write " + file + ": " + e.getMessage());
              }
            });
    whenDone(writing, "Not exported", v -> hint("Exported to " + file));
  }

  private void renameDocument() {
    DocumentSession s = session();
    if (s == null) {
      return;
    }
    String title =
        (String)
            JOptionPane.showInputDialog(
                this,
                "New title:",
                "Rename",
                JOptionPane.PLAIN_MESSAGE,
                null,
                null,
                s.document().title());
    if (title == null) {
      return;
    }
    try {
      s.rename(title.strip());
    } catch (IllegalArgumentException e) {
      problem("Cannot rename: " + e.getMessage());
      return;
    }
    setTitle(windowTitle(title.strip()));
    if (prefs.syntax(s.id()) == null) { // a new extension may mean another language
      area.setSyntaxEditingStyle(syntaxFor(s.document()));
      selectSyntaxItem(area.getSyntaxEditingStyle());
    }
    refreshDocuments();
  }

  private void deleteDocument() {
    DocumentSession s = session();
    if (s == null) {
      return;
    }
    int unsent = s.unacknowledged();
    String warning =
        unsent > 0
            ? "\n\n" + unsent + " of your edits have not reached the relay and will be lost."
            : "";
    String where =
        s.document().onRelay()
            ? "It is deleted here and on the relay, for everyone (only its owner may do that)."
            : "It exists only on this machine.";
    int answer =
        JOptionPane.showConfirmDialog(
            this,
            "Delete \"" + s.document().title() + "\" and its whole history?\n" + where + warning,
            "Delete document",
            JOptionPane.OK_CANCEL_OPTION,
            JOptionPane.WARNING_MESSAGE);
    if (answer == JOptionPane.OK_OPTION) {
      delete(s.id());
    }
  }

  /** Deletes a document from the profile (and from the relay when it has it); no questions. */
  CompletableFuture<Boolean> delete(String id) {
    if (id.equals(openId)) {
      unbind();
      openId = "";
      ((CardLayout) centre.getLayout()).show(centre, "empty");
      status.showStatus(null, 0);
      setTitle(windowTitle(null));
    }
    CompletableFuture<Boolean> done =
        engine != null ? engine.delete(id) : store.deleteDocument(id, System.currentTimeMillis());
    done.whenComplete(
        (deleted, error) ->
            SwingUtilities.invokeLater(
                () -> {
                  if (error != null) {
                    problem("Cannot delete the document: " + rootMessage(error));
                  } else {
                    hint("Deleted");
                  }
                  refreshDocuments();
                }));
    return done;
  }

  /**
   * Gives another user of the relay a role on a document (null takes it away). Completes on the
   * event thread when the relay confirms; fails with the reason when offline or refused.
   */
  public CompletableFuture<Void> share(String docId, String user, dev.quire.ot.protocol.Role role) {
    if (engine == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("set a relay in Sync › Settings to share documents"));
    }
    return engine.share(docId, user, role);
  }

  private void shareDocument() {
    DocumentSession s = session();
    if (s == null) {
      return;
    }
    javax.swing.JTextField user = new javax.swing.JTextField(16);
    javax.swing.JComboBox<String> role =
        new javax.swing.JComboBox<>(new String[] {"editor", "viewer", "no access"});
    JPanel form = new JPanel(new java.awt.GridLayout(0, 1, 0, 4));
    form.add(new JLabel("Share \"" + s.document().title() + "\" with the relay user:"));
    form.add(user);
    form.add(new JLabel("who may:"));
    form.add(role);
    int answer =
        JOptionPane.showConfirmDialog(
            this, form, "Share", JOptionPane.OK_CANCEL_OPTION, JOptionPane.PLAIN_MESSAGE);
    if (answer != JOptionPane.OK_OPTION) {
      return;
    }
    dev.quire.ot.protocol.Role r =
        switch (role.getSelectedIndex()) {
          case 0 -> dev.quire.ot.protocol.Role.EDITOR;
          case 1 -> dev.quire.ot.protocol.Role.VIEWER;
          default -> null;
        };
    String name = user.getText().strip();
    whenDone(
        share(s.id(), name, r),
        "Not shared",
        v -> hint(r == null ? name + " no longer has access" : "Shared with " + name));
  }

  /** Opens the open document's history in its own window; null when no document is open. */
  JFrame showHistory() {
    DocumentSession s = session();
    if (s == null) {
      return null;
    }
    JFrame history = dev.quire.editor.ui.history.HistoryPanel.showWindow(this, store, s);
    historyWindows.add(history);
    return history;
  }

  // ---- sync ----

  private void startSync() {
    if (settings.relayUrl().isEmpty() || offlineItem.isSelected()) {
      status.showStatus(
          session() == null ? null : session().status(),
          session() == null ? 0 : session().revision());
      return;
    }
    SyncEngine.Config config =
        SyncEngine.Config.of(
            URI.create(settings.relayUrl()),
            settings.token(),
            settings.displayName(),
            settings.colour());
    engine = new SyncEngine(store, EDT, config);
    engine.addListener(
        new SyncEngine.Listener() {
          @Override
          public void documentAdded(LocalDocument document) {
            refreshDocuments();
          }

          @Override
          public void problem(String doc, String message) {
            EditorWindow.this.problem(message);
          }
        });
    engine.start();
    engine.syncAllDocuments();
  }

  /** Detaches the text area from the open document's session (the session itself stays open). */
  private void unbind() {
    if (binding != null) {
      binding.session().removeListener(sessionListener);
      binding.dispose();
      binding = null;
    }
  }

  /** Stops syncing and reopens the current document without the engine, or with a new one. */
  private void restartSync() {
    String current = openId;
    unbind();
    if (engine != null) {
      engine.close();
      engine = null;
    }
    openId = null;
    startSync();
    if (current != null) {
      openDocument(current);
    }
  }

  private void editSettings() {
    SettingsDialog.ask(this, settings)
        .ifPresent(
            s ->
                whenDone(
                    store.saveSettings(s),
                    "Settings not saved",
                    v -> {
                      settings = s;
                      restartSync();
                    }));
  }

  // ---- messages ----

  /** Something the user must see: a banner over the text until dismissed or resolved. */
  void problem(String message) {
    log.warn("{}", message);
    banner.setText("⚠  " + message);
    banner.setVisible(true);
  }

  private void hideBannerIfSyncProblem() {
    // A sync error clears itself once the document syncs again; other messages stay.
    if (banner.isVisible() && banner.getText().contains("sync")) {
      banner.setVisible(false);
    }
  }

  /** A passing remark in the status bar. */
  void hint(String message) {
    status.showHint(message);
  }

  /** The document, and whose window this is (two profiles side by side look alike otherwise). */
  private String windowTitle(String document) {
    String who = settings.displayName().isEmpty() ? "" : " · " + settings.displayName();
    return (document == null ? "" : document + " — ") + "Quire" + who;
  }

  private void showCaretPosition() {
    status.showCaret(area.getCaretLineNumber() + 1, area.getCaretOffsetFromLineStart() + 1);
  }

  // ---- menus and keys ----

  private JMenuBar menuBar() {
    JMenuBar bar = new JMenuBar();
    JMenu file = new JMenu("File");
    file.add(
        item("New document…", KeyStroke.getKeyStroke(KeyEvent.VK_N, SHORTCUT), this::newDocument));
    file.add(
        item("Import a file…", KeyStroke.getKeyStroke(KeyEvent.VK_O, SHORTCUT), this::importFile));
    file.add(
        item(
            "Export to a file…",
            KeyStroke.getKeyStroke(KeyEvent.VK_E, SHORTCUT),
            this::exportDocument));
    file.add(item("Rename…", KeyStroke.getKeyStroke(KeyEvent.VK_F2, 0), this::renameDocument));
    file.add(item("Share…", null, this::shareDocument));
    file.add(item("Delete…", null, this::deleteDocument));
    file.addSeparator();
    file.add(item("Close window", KeyStroke.getKeyStroke(KeyEvent.VK_Q, SHORTCUT), this::close));
    bar.add(file);

    JMenu edit = new JMenu("Edit");
    edit.add(item("Undo", KeyStroke.getKeyStroke(KeyEvent.VK_Z, SHORTCUT), area::undoLastAction));
    edit.add(item("Redo", KeyStroke.getKeyStroke(KeyEvent.VK_Y, SHORTCUT), area::redoLastAction));
    edit.addSeparator();
    edit.add(item("Find…", KeyStroke.getKeyStroke(KeyEvent.VK_F, SHORTCUT), search::showFind));
    edit.add(
        item("Replace…", KeyStroke.getKeyStroke(KeyEvent.VK_H, SHORTCUT), search::showReplace));
    edit.add(
        item("Go to line…", KeyStroke.getKeyStroke(KeyEvent.VK_G, SHORTCUT), search::showGoToLine));
    bar.add(edit);

    JMenu view = new JMenu("View");
    ButtonGroup themes = new ButtonGroup();
    JRadioButtonMenuItem light = new JRadioButtonMenuItem("Light theme", !prefs.dark());
    JRadioButtonMenuItem dark = new JRadioButtonMenuItem("Dark theme", prefs.dark());
    light.addActionListener(e -> setDark(false));
    dark.addActionListener(e -> setDark(true));
    themes.add(light);
    themes.add(dark);
    view.add(light);
    view.add(dark);
    view.addSeparator();
    ButtonGroup syntaxes = new ButtonGroup();
    for (String[] s : SYNTAXES) {
      JRadioButtonMenuItem i = new JRadioButtonMenuItem(s[0]);
      i.putClientProperty("style", s[1]);
      i.addActionListener(e -> chooseSyntax(s[1]));
      syntaxes.add(i);
      syntaxMenu.add(i);
    }
    view.add(syntaxMenu);
    view.add(
        item(
            "History…",
            KeyStroke.getKeyStroke(KeyEvent.VK_H, SHORTCUT | InputEvent.SHIFT_DOWN_MASK),
            () -> showHistory()));
    bar.add(view);

    JMenu sync = new JMenu("Sync");
    sync.add(
        item("Settings…", KeyStroke.getKeyStroke(KeyEvent.VK_COMMA, SHORTCUT), this::editSettings));
    offlineItem.addActionListener(e -> restartSync());
    sync.add(offlineItem);
    bar.add(sync);
    return bar;
  }

  private void bindKeys() {
    // Undo and redo of the user's own edits; Ctrl+S only reassures, since edits are always saved.
    bind("quire.undo", KeyStroke.getKeyStroke(KeyEvent.VK_Z, SHORTCUT), area::undoLastAction);
    bind("quire.redo", KeyStroke.getKeyStroke(KeyEvent.VK_Y, SHORTCUT), area::redoLastAction);
    bind(
        "quire.redo2",
        KeyStroke.getKeyStroke(KeyEvent.VK_Z, SHORTCUT | InputEvent.SHIFT_DOWN_MASK),
        area::redoLastAction);
    bind("quire.save", KeyStroke.getKeyStroke(KeyEvent.VK_S, SHORTCUT), this::saveNow);
  }

  private void bind(String name, KeyStroke key, Runnable r) {
    area.getInputMap(JComponent.WHEN_FOCUSED).put(key, name);
    area.getActionMap()
        .put(
            name,
            new AbstractAction(name) {
              @Override
              public void actionPerformed(ActionEvent e) {
                r.run();
              }
            });
  }

  private void saveNow() {
    store
        .flush()
        .whenComplete(
            (v, error) ->
                SwingUtilities.invokeLater(
                    () ->
                        hint(
                            error == null
                                ? "Every edit is saved as you type; nothing to do"
                                : "Saving failed: " + rootMessage(error))));
  }

  private static JMenuItem item(String name, KeyStroke key, Runnable r) {
    JMenuItem i = new JMenuItem(name);
    if (key != null) {
      i.setAccelerator(key);
    }
    i.addActionListener(e -> r.run());
    return i;
  }

  private void setDark(boolean dark) {
    prefs.setDark(dark);
    Themes.switchTo(dark);
    Themes.apply(area, dark);
  }

  private void chooseSyntax(String style) {
    area.setSyntaxEditingStyle(style);
    if (openId != null) {
      prefs.setSyntax(openId, style);
    }
  }

  private void selectSyntaxItem(String style) {
    for (java.awt.Component c : syntaxMenu.getMenuComponents()) {
      if (c instanceof JRadioButtonMenuItem i) {
        i.setSelected(style.equals(i.getClientProperty("style")));
      }
    }
  }

  /** The style chosen for the document, or the one its title's extension suggests. */
  private String syntaxFor(LocalDocument d) {
    String chosen = prefs.syntax(d.id());
    if (chosen != null) {
      return chosen;
    }
    String guessed = FileTypeUtil.get().guessContentType(new File(d.title()));
    return guessed == null ? SyntaxConstants.SYNTAX_STYLE_NONE : guessed;
  }

  private JPanel emptyState() {
    JPanel p = new JPanel(new java.awt.GridBagLayout());
    JPanel inner = new JPanel(new BorderLayout(0, 12));
    JLabel title = new JLabel("No document open", SwingConstants.CENTER);
    title.setFont(title.getFont().deriveFont(Font.BOLD, title.getFont().getSize2D() + 6f));
    JLabel text =
        new JLabel(
            "<html><div style='text-align:center;width:340px'>Create a document or import a"
                + " file. It is saved on this machine as you type, and shared when a relay is"
                + " set in Sync › Settings.</div></html>",
            SwingConstants.CENTER);
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.CENTER, 10, 0));
    JButton create = new JButton("New document");
    create.addActionListener(e -> newDocument());
    JButton imp = new JButton("Import a file…");
    imp.addActionListener(e -> importFile());
    buttons.add(create);
    buttons.add(imp);
    inner.add(title, BorderLayout.NORTH);
    inner.add(text, BorderLayout.CENTER);
    inner.add(buttons, BorderLayout.SOUTH);
    p.add(inner);
    return p;
  }

  // ---- closing ----

  /** Closes the window: stops syncing, waits for the store's last commit, releases the profile. */
  public void close() {
    if (!isDisplayable()) {
      return;
    }
    refresh.stop();
    prefs.setBounds(getBounds());
    historyWindows.forEach(JFrame::dispose); // they read this profile's store
    unbind();
    if (engine != null) {
      engine.close();
      engine = null;
    }
    dispose();
    // Closing the store waits for its last group commit: off the event thread.
    CompletableFuture.runAsync(store::close)
        .whenComplete((v, error) -> SwingUtilities.invokeLater(onClosed));
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null
        && (t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
