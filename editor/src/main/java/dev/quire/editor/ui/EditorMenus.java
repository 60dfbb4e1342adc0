package dev.quire.editor.ui;

import java.awt.Toolkit;
import java.awt.event.ActionEvent;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.swing.AbstractAction;
import javax.swing.ButtonGroup;
import javax.swing.JCheckBoxMenuItem;
import javax.swing.JComponent;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JPopupMenu;
import javax.swing.JRadioButtonMenuItem;
import javax.swing.KeyStroke;
import org.fife.ui.rsyntaxtextarea.FileTypeUtil;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;

/**
 * The window's menus, the documents' context menu and the text area's own key bindings, each wired
 * to an {@link EditorActions} command. Event thread only.
 */
final class EditorMenus {
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

  private final EditorActions actions;
  private final JMenu syntaxMenu = new JMenu("Syntax");
  private final JCheckBoxMenuItem offlineItem = new JCheckBoxMenuItem("Work offline");
  private final JCheckBoxMenuItem wrapItem = new JCheckBoxMenuItem("Word wrap");
  private final JRadioButtonMenuItem lightItem = new JRadioButtonMenuItem("Light theme");
  private final JRadioButtonMenuItem darkItem = new JRadioButtonMenuItem("Dark theme");
  // Every menu shortcut, so that the text area's own binding of the same key cannot hide it.
  private final Map<KeyStroke, JMenuItem> shortcuts = new LinkedHashMap<>();

  EditorMenus(EditorActions actions) {
    this.actions = actions;
  }

  /** The style chosen for the document, or the one its title's extension suggests. */
  static String syntaxFor(String docId, String title, UiPreferences prefs) {
    String chosen = prefs.syntax(docId);
    if (chosen != null) {
      return chosen;
    }
    String guessed = FileTypeUtil.get().guessContentType(new File(title));
    return guessed == null ? SyntaxConstants.SYNTAX_STYLE_NONE : guessed;
  }

  /** True when Sync › Work offline is ticked. */
  boolean offline() {
    return offlineItem.isSelected();
  }

  /** Ticks View › Word wrap when the open document's lines wrap. */
  void showWordWrap(boolean wrap) {
    wrapItem.setSelected(wrap);
  }

  /** Ticks the View item of the theme shown. */
  void showTheme(boolean dark) {
    (dark ? darkItem : lightItem).setSelected(true);
  }

  /** Ticks the View › Syntax item of {@code style}. */
  void selectSyntax(String style) {
    for (java.awt.Component c : syntaxMenu.getMenuComponents()) {
      if (c instanceof JRadioButtonMenuItem i) {
        i.setSelected(style.equals(i.getClientProperty("style")));
      }
    }
  }

  /** The menu shown on a document in the list. */
  JPopupMenu documentMenu() {
    JPopupMenu menu = new JPopupMenu();
    menu.add(item("Rename…", null, actions::renameDocument));
    menu.add(item("Export to a file…", null, actions::exportDocument));
    menu.add(item("Share…", null, actions::shareDocument));
    menu.add(item("History…", null, actions::showHistory));
    menu.addSeparator();
    menu.add(item("Delete…", null, actions::deleteDocument));
    return menu;
  }

  JMenuBar menuBar(boolean dark) {
    JMenuBar bar = new JMenuBar();
    bar.add(fileMenu());
    bar.add(editMenu());
    bar.add(viewMenu(dark));
    JMenu sync = new JMenu("Sync");
    sync.add(item("Settings…", key(KeyEvent.VK_COMMA), actions::editSettings));
    offlineItem.addActionListener(e -> actions.restartSync());
    sync.add(offlineItem);
    bar.add(sync);
    return bar;
  }

  private JMenu fileMenu() {
    JMenu file = new JMenu("File");
    file.add(item("New document…", key(KeyEvent.VK_N), actions::newDocument));
    file.add(item("New encrypted document…", null, actions::newEncryptedDocument));
    file.add(item("Import a file…", key(KeyEvent.VK_O), actions::importFile));
    file.add(item("Export to a file…", key(KeyEvent.VK_E), actions::exportDocument));
    JMenuItem rename =
        item("Rename…", KeyStroke.getKeyStroke(KeyEvent.VK_F2, 0), actions::renameDocument);
    file.add(rename);
    enableWhenEditable(file, rename);
    file.add(item("Share…", null, actions::shareDocument));
    file.add(item("Delete…", null, actions::deleteDocument));
    file.addSeparator();
    file.add(item("Close window", key(KeyEvent.VK_Q), actions::closeWindow));
    return file;
  }

  private JMenu editMenu() {
    JMenu edit = new JMenu("Edit");
    JMenuItem undo = item("Undo", key(KeyEvent.VK_Z), actions::undo);
    JMenuItem redo = item("Redo", key(KeyEvent.VK_Y), actions::redo);
    JMenuItem replace = item("Replace", key(KeyEvent.VK_H), actions::replace);
    edit.add(undo);
    edit.add(redo);
    edit.addSeparator();
    edit.add(item("Find", key(KeyEvent.VK_F), actions::find));
    edit.add(replace);
    edit.add(item("Go to line…", key(KeyEvent.VK_G), actions::goToLine));
    edit.addSeparator();
    JMenuItem comment =
        item(
            "Comment…",
            KeyStroke.getKeyStroke(KeyEvent.VK_M, SHORTCUT | InputEvent.ALT_DOWN_MASK),
            actions::addComment);
    edit.add(comment);
    enableWhenEditable(edit, undo, redo, replace, comment);
    return edit;
  }

  /**
   * Items that change the document are enabled only while it may be changed (not for a viewer),
   * checked each time {@code menu} opens.
   */
  private void enableWhenEditable(JMenu menu, JMenuItem... items) {
    menu.addMenuListener(
        new javax.swing.event.MenuListener() {
          @Override
          public void menuSelected(javax.swing.event.MenuEvent e) {
            boolean editable = actions.canEdit();
            for (JMenuItem i : items) {
              i.setEnabled(editable);
            }
          }

          @Override
          public void menuDeselected(javax.swing.event.MenuEvent e) {}

          @Override
          public void menuCanceled(javax.swing.event.MenuEvent e) {}
        });
  }

  private JMenu viewMenu(boolean dark) {
    JMenu view = new JMenu("View");
    ButtonGroup themes = new ButtonGroup();
    lightItem.addActionListener(e -> actions.setDark(false));
    darkItem.addActionListener(e -> actions.setDark(true));
    themes.add(lightItem);
    themes.add(darkItem);
    showTheme(dark);
    view.add(lightItem);
    view.add(darkItem);
    view.addSeparator();
    wrapItem.setAccelerator(KeyStroke.getKeyStroke(KeyEvent.VK_Z, InputEvent.ALT_DOWN_MASK));
    wrapItem.addActionListener(e -> actions.setWordWrap(wrapItem.isSelected()));
    remember(wrapItem);
    view.add(wrapItem);
    view.add(item("Zoom in", key(KeyEvent.VK_EQUALS), actions::zoomIn));
    view.add(item("Zoom out", key(KeyEvent.VK_MINUS), actions::zoomOut));
    view.add(item("Actual size", key(KeyEvent.VK_0), actions::actualSize));
    view.addSeparator();
    ButtonGroup syntaxes = new ButtonGroup();
    for (String[] s : SYNTAXES) {
      JRadioButtonMenuItem i = new JRadioButtonMenuItem(s[0]);
      i.putClientProperty("style", s[1]);
      i.addActionListener(e -> actions.chooseSyntax(s[1]));
      syntaxes.add(i);
      syntaxMenu.add(i);
    }
    view.add(syntaxMenu);
    view.add(
        item(
            "History…",
            KeyStroke.getKeyStroke(KeyEvent.VK_H, SHORTCUT | InputEvent.SHIFT_DOWN_MASK),
            actions::showHistory));
    return view;
  }

  /**
   * The text area's own keys: every menu shortcut (a key the text area also binds, such as F2 for
   * its bookmarks or Ctrl+H for backspace, does what the menu says), a second redo and zoom key,
   * and Ctrl+S, which only reassures, since edits are always saved.
   */
  void bindKeys(JComponent area) {
    shortcuts.forEach(
        (key, item) -> bind(area, "menu:" + item.getText(), key, () -> item.doClick(0)));
    bind(area, "quire.zoomIn2", KeyStroke.getKeyStroke(KeyEvent.VK_ADD, SHORTCUT), actions::zoomIn);
    bind(
        area,
        "quire.zoomIn3",
        KeyStroke.getKeyStroke(KeyEvent.VK_EQUALS, SHORTCUT | InputEvent.SHIFT_DOWN_MASK),
        actions::zoomIn);
    bind(
        area,
        "quire.zoomOut2",
        KeyStroke.getKeyStroke(KeyEvent.VK_SUBTRACT, SHORTCUT),
        actions::zoomOut);
    bind(
        area,
        "quire.redo2",
        KeyStroke.getKeyStroke(KeyEvent.VK_Z, SHORTCUT | InputEvent.SHIFT_DOWN_MASK),
        actions::redo);
    bind(area, "quire.save", key(KeyEvent.VK_S), actions::saveNow);
  }

  private static void bind(JComponent area, String name, KeyStroke key, Runnable r) {
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

  private static KeyStroke key(int keyCode) {
    return KeyStroke.getKeyStroke(keyCode, SHORTCUT);
  }

  private JMenuItem item(String name, KeyStroke key, Runnable r) {
    JMenuItem i = new JMenuItem(name);
    if (key != null) {
      i.setAccelerator(key);
    }
    i.addActionListener(e -> r.run());
    remember(i);
    return i;
  }

  private void remember(JMenuItem i) {
    if (i.getAccelerator() != null) {
      shortcuts.putIfAbsent(i.getAccelerator(), i);
    }
  }
}
