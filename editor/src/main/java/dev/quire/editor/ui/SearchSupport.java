package dev.quire.editor.ui;

import java.util.function.Consumer;
import javax.swing.JFrame;
import javax.swing.UIManager;
import javax.swing.text.BadLocationException;
import org.fife.rsta.ui.GoToDialog;
import org.fife.rsta.ui.search.FindDialog;
import org.fife.rsta.ui.search.ReplaceDialog;
import org.fife.rsta.ui.search.SearchEvent;
import org.fife.rsta.ui.search.SearchListener;
import org.fife.ui.rtextarea.SearchContext;
import org.fife.ui.rtextarea.SearchEngine;
import org.fife.ui.rtextarea.SearchResult;

/**
 * Find, replace and go to line, with RSyntaxTextArea's own dialogs (RSTAUI). Replacing changes the
 * document like typing does, so replacements are shared and undoable as the user's own edits.
 */
final class SearchSupport implements SearchListener {
  private final JFrame frame;
  private final QuireTextArea area;
  private final Consumer<String> message;
  private FindDialog find;
  private ReplaceDialog replace;

  SearchSupport(JFrame frame, QuireTextArea area, Consumer<String> message) {
    this.frame = frame;
    this.area = area;
    this.message = message;
  }

  void showFind() {
    if (find == null) {
      find = new FindDialog(frame, this);
      shareContext();
    }
    if (replace != null) {
      replace.setVisible(false);
    }
    find.setVisible(true);
  }

  void showReplace() {
    if (replace == null) {
      replace = new ReplaceDialog(frame, this);
      shareContext();
    }
    if (find != null) {
      find.setVisible(false);
    }
    replace.setVisible(true);
  }

  /** One search context for both dialogs, so switching keeps what was typed. */
  private void shareContext() {
    if (find != null && replace != null) {
      replace.setSearchContext(find.getSearchContext());
    }
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

  @Override
  public void searchEvent(SearchEvent e) {
    SearchContext context = e.getSearchContext();
    SearchResult result;
    switch (e.getType()) {
      case MARK_ALL -> result = SearchEngine.markAll(area, context);
      case FIND -> {
        result = SearchEngine.find(area, context);
        if (!result.wasFound()) {
          UIManager.getLookAndFeel().provideErrorFeedback(area);
        }
      }
      case REPLACE -> {
        result = SearchEngine.replace(area, context);
        if (!result.wasFound()) {
          UIManager.getLookAndFeel().provideErrorFeedback(area);
        }
      }
      case REPLACE_ALL -> {
        SearchResult[] all = new SearchResult[1];
        Runnable replace = () -> all[0] = SearchEngine.replaceAll(area, context);
        if (area.binding() != null) {
          area.binding().asOneUndoStep(replace);
        } else {
          replace.run();
        }
        result = all[0];
        message.accept(result.getCount() + " occurrences replaced");
        return;
      }
      default -> throw new IllegalStateException("unknown search event " + e.getType());
    }
    if (result.wasFound()) {
      message.accept(result.isWrapped() ? "Search wrapped around the document" : "");
    } else if (e.getType() != SearchEvent.Type.MARK_ALL) {
      message.accept("\"" + context.getSearchFor() + "\" not found");
    }
  }

  @Override
  public String getSelectedText() {
    return area.getSelectedText();
  }
}
