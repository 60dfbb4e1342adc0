package dev.quire.editor.ui;

import java.util.function.Consumer;
import javax.swing.JFrame;
import javax.swing.UIManager;
import javax.swing.text.BadLocationException;
import org.fife.rsta.ui.GoToDialog;

/**
 * Find, replace ({@link FindBar}, over the text) and go to line (RSyntaxTextArea's dialog). Event
 * thread only.
 */
final class SearchSupport {
  private final JFrame frame;
  private final QuireTextArea area;
  private final FindBar bar;

  SearchSupport(JFrame frame, QuireTextArea area, Consumer<String> message) {
    this.frame = frame;
    this.area = area;
    this.bar = new FindBar(area, message);
  }

  /** The find bar, for the window to place over the text. */
  FindBar findBar() {
    return bar;
  }

  void showFind() {
    bar.open(false);
  }

  void showReplace() {
    bar.open(true);
  }

  void showGoToLine() {
    GoToDialog dialog = new GoToDialog(frame);
    dialog.setMaxLineNumberAllowed(area.getLineCount());
    dialog.setVisible(true);
    int line = dialog.getLineNumber();
    if (line > 0) {
      try {
        area.setCaretPosition(area.getLineStartOffset(line - 1));
        area.requestFocusInWindow();
      } catch (BadLocationException e) {
        UIManager.getLookAndFeel().provideErrorFeedback(area);
      }
    }
  }
}
