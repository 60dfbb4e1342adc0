package dev.quire.editor.ui;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Rectangle;
import java.awt.Toolkit;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.PatternSyntaxException;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTextField;
import javax.swing.JToggleButton;
import javax.swing.KeyStroke;
import javax.swing.Timer;
import javax.swing.UIManager;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.text.BadLocationException;
import org.fife.ui.rsyntaxtextarea.DocumentRange;

/**
 * The find bar over the text (Ctrl+F; Ctrl+H with the replace row): matches counted as the user
 * types ("3 of 6") and all marked in the text, Enter and Shift+Enter to the next and previous
 * match, always wrapping around the document, Escape to close. The count follows edits, the user's
 * and everyone else's. Replacing edits the text as typing does, so it is shared, and "Replace all"
 * undoes as one step. Event thread only.
 */
final class FindBar extends JPanel {
  private final QuireTextArea area;
  private final Consumer<String> hint;
  private final JTextField find = new JTextField(12);
  private final JTextField replaceWith = new JTextField(12);
  private final JLabel count = new JLabel();
  private final JToggleButton matchCase = toggle("Aa", "Match case");
  private final JToggleButton wholeWord = toggle("W", "Whole words only");
  private final JToggleButton regex = toggle(".*", "Regular expression");
  private final JPanel replaceRow = new JPanel(new BorderLayout());
  // Others' edits change the matches: count again once they pause, not at every keystroke.
  private final Timer recount = new Timer(150, e -> refresh(false));
  private TextMatches matches =
      TextMatches.of(new TextMatches.Query("", false, false, false), "", "");

  FindBar(QuireTextArea area, Consumer<String> hint) {
    this.area = area;
    this.hint = hint;
    setName("find.bar");
    setLayout(new BoxLayout(this, BoxLayout.Y_AXIS));
    setBorder(
        BorderFactory.createCompoundBorder(
            BorderFactory.createMatteBorder(0, 0, 1, 0, UIManager.getColor("Separator.foreground")),
            BorderFactory.createEmptyBorder(4, 8, 4, 4)));
    find.setName("find.field");
    replaceWith.setName("find.replaceWith");
    count.setName("find.count");
    count.setText("9,999 of 9,999"); // room for a large count, so the buttons never jump
    count.setPreferredSize(count.getPreferredSize());
    count.setText("");
    count.setHorizontalAlignment(JLabel.CENTER);
    recount.setRepeats(false);
    add(findRow());
    add(replaceRow());
    setVisible(false);
    listen();
  }

  private JPanel findRow() {
    JPanel tools = new JPanel(new FlowLayout(FlowLayout.LEFT, 2, 0));
    tools.add(count);
    tools.add(button("↑", "Previous match (Shift+Enter)", this::previous));
    tools.add(button("↓", "Next match (Enter)", this::next));
    tools.add(matchCase);
    tools.add(wholeWord);
    tools.add(regex);
    tools.add(button("×", "Close (Escape)", this::close));
    return row("Find", find, tools);
  }

  private JPanel replaceRow() {
    JPanel tools = new JPanel(new FlowLayout(FlowLayout.LEFT, 2, 0));
    tools.add(button("Replace", "Replace this match and find the next (Enter)", this::replace));
    tools.add(button("Replace all", "Replace every match, as one undo step", this::replaceAll));
    replaceRow.add(row("Replace", replaceWith, tools));
    replaceRow.setVisible(false);
    return replaceRow;
  }

  /** A label, a field that takes the width left, and tools at the right. */
  private static JPanel row(String label, JTextField field, JPanel tools) {
    JPanel row = new JPanel(new BorderLayout(6, 0));
    JLabel l = new JLabel(label);
    l.setPreferredSize(new Dimension(56, l.getPreferredSize().height));
    l.setLabelFor(field);
    row.add(l, BorderLayout.WEST);
    row.add(field, BorderLayout.CENTER);
    row.add(tools, BorderLayout.EAST);
    row.setBorder(BorderFactory.createEmptyBorder(1, 0, 1, 0));
    return row;
  }

  private void listen() {
    find.getDocument().addDocumentListener(onChange(() -> refresh(true)));
    for (JToggleButton t : List.of(matchCase, wholeWord, regex)) {
      t.addActionListener(e -> refresh(true));
    }
    area.getDocument().addDocumentListener(onChange(recount::restart));
    key(find, KeyEvent.VK_ENTER, 0, this::next);
    key(find, KeyEvent.VK_ENTER, InputEvent.SHIFT_DOWN_MASK, this::previous);
    key(replaceWith, KeyEvent.VK_ENTER, 0, this::replace);
    key(replaceWith, KeyEvent.VK_ENTER, InputEvent.SHIFT_DOWN_MASK, this::previous);
    // A text field keeps Ctrl+H for backspace: in the bar, Ctrl+F and Ctrl+H mean the bar's own.
    int shortcut = Toolkit.getDefaultToolkit().getMenuShortcutKeyMaskEx();
    for (JTextField f : List.of(find, replaceWith)) {
      key(f, KeyEvent.VK_F, shortcut, () -> open(false));
      key(f, KeyEvent.VK_H, shortcut, () -> open(true));
    }
    getInputMap(WHEN_ANCESTOR_OF_FOCUSED_COMPONENT)
        .put(KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0), "find.close");
    getActionMap().put("find.close", action(this::close));
  }

  @Override
  public Dimension getMinimumSize() {
    return new Dimension(0, super.getMinimumSize().height); // the text below sets the width
  }

  /** Opens the bar (with the replace row when {@code replacing}), the search text selected. */
  void open(boolean replacing) {
    String selected = area.getSelectedText();
    boolean aMatch = matches.indexOf(area.getSelectionStart(), area.getSelectionEnd()) >= 0;
    if (selected != null && !selected.isEmpty() && selected.indexOf('\n') < 0 && !aMatch) {
      find.setText(selected); // what the user points at; otherwise the last search stays
    }
    replaceRow.setVisible(replacing);
    setVisible(true);
    revalidate();
    refresh(true);
    (replacing && !find.getText().isEmpty() ? replaceWith : find).requestFocusInWindow();
    find.selectAll();
  }

  /** Closes the bar; the match found stays selected and the text has the focus. */
  void close() {
    setVisible(false);
    recount.stop();
    area.clearMarkAllHighlights();
    area.requestFocusInWindow();
  }

  void next() {
    go(true);
  }

  void previous() {
    go(false);
  }

  private void go(boolean forward) {
    refresh(false);
    if (matches.isEmpty()) {
      return;
    }
    int current = matches.indexOf(area.getSelectionStart(), area.getSelectionEnd());
    int i;
    if (current >= 0) {
      i = Math.floorMod(current + (forward ? 1 : -1), matches.size());
    } else {
      i =
          forward
              ? matches.firstFrom(area.getSelectionEnd())
              : matches.lastBefore(area.getSelectionStart());
    }
    boolean wrapped =
        current >= 0 ? (forward ? i <= current : i >= current) : wrappedTo(i, forward);
    select(i);
    hint.accept(wrapped && matches.size() > 1 ? "Search wrapped around the document" : "");
  }

  private boolean wrappedTo(int i, boolean forward) {
    return forward
        ? matches.get(i).start() < area.getSelectionEnd()
        : matches.get(i).start() >= area.getSelectionStart();
  }

  /** Replaces the selected match, if it is one, then selects the next. */
  private void replace() {
    refresh(false);
    int current = matches.indexOf(area.getSelectionStart(), area.getSelectionEnd());
    if (current >= 0) {
      TextMatches.Match m = matches.get(current);
      area.replaceRange(m.replacement(), m.start(), m.end());
      area.setCaretPosition(m.start() + m.replacement().length());
    }
    refresh(false);
    go(true);
  }

  /** Replaces every match, from the last to the first, as one step for undo. */
  private void replaceAll() {
    refresh(false);
    List<TextMatches.Match> all = matches.all();
    if (all.isEmpty()) {
      return;
    }
    Runnable replace =
        () -> {
          for (int i = all.size() - 1; i >= 0; i--) {
            TextMatches.Match m = all.get(i);
            area.replaceRange(m.replacement(), m.start(), m.end());
          }
        };
    if (area.binding() != null) {
      area.binding().asOneUndoStep(replace);
    } else {
      replace.run();
    }
    refresh(false);
    hint.accept(all.size() == 1 ? "1 match replaced" : all.size() + " matches replaced");
  }

  /**
   * Finds the matches again and marks them; when the search itself changed ({@code fromCaret}),
   * selects the first match from the caret on, wrapping around.
   */
  private void refresh(boolean fromCaret) {
    if (!isVisible()) {
      return;
    }
    try {
      matches = TextMatches.of(query(), area.getText(), replaceWith.getText());
      find.putClientProperty("JComponent.outline", null);
    } catch (PatternSyntaxException e) {
      matches = TextMatches.of(new TextMatches.Query("", false, false, false), "", "");
      find.putClientProperty("JComponent.outline", "error");
      count.setText("Bad expression");
      count.setToolTipText(e.getDescription());
      area.clearMarkAllHighlights();
      return;
    }
    area.clearMarkAllHighlights(); // markAll adds to what is marked
    area.markAll(matches.all().stream().map(m -> new DocumentRange(m.start(), m.end())).toList());
    if (fromCaret && !matches.isEmpty()) {
      select(matches.firstFrom(area.getSelectionStart()));
    }
    showCount();
  }

  /** Scrolls the match into view with a few lines around it (the caret scrolls only if focused). */
  private void scrollToShow(TextMatches.Match m) {
    try {
      Rectangle2D start = area.modelToView2D(m.start());
      Rectangle2D end = area.modelToView2D(m.end());
      if (start != null && end != null) {
        Rectangle r = start.getBounds().union(end.getBounds());
        int context = 3 * area.getLineHeight();
        area.scrollRectToVisible(
            new Rectangle(r.x, r.y - context, r.width, r.height + 2 * context));
      }
    } catch (BadLocationException e) {
      // the text changed under the match: the next search shows it
    }
  }

  private TextMatches.Query query() {
    return new TextMatches.Query(
        find.getText(), matchCase.isSelected(), wholeWord.isSelected(), regex.isSelected());
  }

  private void select(int i) {
    TextMatches.Match m = matches.get(i);
    area.select(m.start(), m.end());
    scrollToShow(m);
    showCount();
  }

  private void showCount() {
    count.setToolTipText(null);
    if (find.getText().isEmpty()) {
      count.setText("");
    } else if (matches.isEmpty()) {
      count.setText("No matches");
    } else {
      int current = matches.indexOf(area.getSelectionStart(), area.getSelectionEnd());
      count.setText(
          current >= 0
              ? (current + 1) + " of " + matches.size()
              : matches.size() == 1 ? "1 match" : matches.size() + " matches");
    }
  }

  /** The text searched for (tests, and the replace row pre-filled from it). */
  String searchText() {
    return find.getText();
  }

  private static JToggleButton toggle(String text, String tip) {
    JToggleButton t = new JToggleButton(text);
    t.setToolTipText(tip);
    t.putClientProperty("JButton.buttonType", "toolBarButton");
    t.setFocusable(false);
    return t;
  }

  private static JButton button(String text, String tip, Runnable r) {
    JButton b = new JButton(text);
    b.setToolTipText(tip);
    b.putClientProperty("JButton.buttonType", "toolBarButton");
    b.setFocusable(false);
    b.addActionListener(e -> r.run());
    return b;
  }

  private static void key(JComponent c, int code, int modifiers, Runnable r) {
    String name = "find." + code + "." + modifiers;
    c.getInputMap(WHEN_FOCUSED).put(KeyStroke.getKeyStroke(code, modifiers), name);
    c.getActionMap().put(name, action(r));
  }

  private static AbstractAction action(Runnable r) {
    return new AbstractAction() {
      @Override
      public void actionPerformed(java.awt.event.ActionEvent e) {
        r.run();
      }
    };
  }

  private static DocumentListener onChange(Runnable r) {
    return new DocumentListener() {
      @Override
      public void insertUpdate(DocumentEvent e) {
        r.run();
      }

      @Override
      public void removeUpdate(DocumentEvent e) {
        r.run();
      }

      @Override
      public void changedUpdate(DocumentEvent e) {}
    };
  }
}
