package dev.quire.editor.ui.history;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import javax.swing.event.UndoableEditEvent;
import javax.swing.text.BadLocationException;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rsyntaxtextarea.Theme;
import org.fife.ui.rtextarea.Gutter;
import org.fife.ui.rtextarea.RTextScrollPane;
import org.fife.ui.rtextarea.RUndoManager;

/**
 * The read-only text of the shown revision, its characters on their authors' colours. Event thread
 * only.
 */
final class RevisionText {
  private final RSyntaxTextArea area = new ReadOnlyTextArea();
  private final RTextScrollPane pane;
  private final AuthorPainter painter = new AuthorPainter();
  private final Map<Color, Color> colours = new HashMap<>(); // background of each colour
  private boolean dark;
  private String shown = "";
  private Object highlight;
  private Frame.Colouring colouring; // of the text shown, once known
  private Function<String, Person> people;

  static {
    dev.quire.editor.ui.PlainTextTokens.install(); // emoji drawn whole
  }

  RevisionText(boolean dark) {
    this.dark = dark;
    area.setName("history.text");
    area.setEditable(false);
    area.setSyntaxEditingStyle(SyntaxConstants.SYNTAX_STYLE_NONE);
    if (dark) {
      applyTheme("dark.xml");
    }
    area.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 13));
    area.setHighlightCurrentLine(false);
    area.setCodeFoldingEnabled(false);
    pane = new RTextScrollPane(area);
    // A gap after the line numbers: the text scrolled sideways never touches them.
    pane.getGutter().setBorder(new Gutter.GutterBorder(0, 0, 0, 10));
  }

  private void applyTheme(String name) {
    try (var in = RSyntaxTextArea.class.getResourceAsStream("themes/" + name)) {
      Theme.load(in).apply(area);
    } catch (IOException e) {
      throw new UncheckedIOException("RSyntaxTextArea theme " + name, e);
    }
  }

  /** The look changed (one look for every window): the text's colours and the authors' follow. */
  void setDark(boolean dark) {
    if (dark == this.dark) {
      return;
    }
    this.dark = dark;
    colours.clear();
    applyTheme(dark ? "dark.xml" : "default.xml");
    area.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 13)); // the theme set its own
    area.setHighlightCurrentLine(false);
    if (colouring != null) {
      colour(colouring, people);
    }
  }

  RTextScrollPane pane() {
    return pane;
  }

  RSyntaxTextArea area() {
    return area;
  }

  /**
   * Shows {@code next} uncoloured, replacing only what differs from the text shown, so playback is
   * cheap and the view does not jump; the caret marks where the change begins.
   */
  void show(String next) {
    int p = 0;
    int min = Math.min(shown.length(), next.length());
    while (p < min && shown.charAt(p) == next.charAt(p)) {
      p++;
    }
    if (p > 0 && Character.isHighSurrogate(next.charAt(p - 1))) {
      p--; // keep a surrogate pair whole, so the caret never lands inside it
    }
    int s = 0;
    while (s < min - p
        && shown.charAt(shown.length() - 1 - s) == next.charAt(next.length() - 1 - s)) {
      s++;
    }
    painter.clear();
    colouring = null;
    area.replaceRange(next.substring(p, next.length() - s), p, shown.length() - s);
    shown = next;
    area.setCaretPosition(p);
  }

  /** Colours the text shown, which {@code c} must be the authorship of. */
  void colour(Frame.Colouring c, Function<String, Person> people) {
    this.colouring = c;
    this.people = people;
    Attribution a = c.attribution();
    Color[] runColours = new Color[a.runCount()];
    for (int i = 0; i < runColours.length; i++) {
      Color colour = people.apply(c.authors().get(a.runAuthor(i))).colour();
      runColours[i] = colours.computeIfAbsent(colour, k -> AuthorColours.background(k, dark));
    }
    painter.set(a.charStarts(shown), runColours);
    try {
      if (highlight != null) {
        area.getHighlighter().removeHighlight(highlight);
      }
      highlight = area.getHighlighter().addHighlight(0, area.getDocument().getLength(), painter);
    } catch (BadLocationException e) {
      throw new IllegalStateException("the whole text is always a valid range", e);
    }
    area.repaint();
  }

  /** A text area that keeps no undo history: its text is replaced, never edited by the user. */
  private static final class ReadOnlyTextArea extends RSyntaxTextArea {
    @Override
    protected RUndoManager createUndoManager() {
      return new RUndoManager(this) {
        @Override
        public void undoableEditHappened(UndoableEditEvent e) {
          // Every replace would otherwise be kept for undo, growing without bound in playback.
        }
      };
    }
  }
}
