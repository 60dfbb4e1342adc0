package dev.quire.editor.ui;

import java.awt.Font;
import java.awt.Point;
import java.util.HashMap;
import java.util.Map;
import javax.swing.SwingUtilities;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rtextarea.RTextScrollPane;

/**
 * How the open document is shown in one window: word wrap and zoom, chosen per document and kept in
 * the profile's preferences, and where the caret and the scroll were, kept while the window is open
 * so that a document shown again (after switching documents, or when sync restarts) is where the
 * user left it. Event thread only.
 */
final class DocumentView {
  private final QuireTextArea area;
  private final RTextScrollPane scroll;
  private final UiPreferences prefs;
  private final Map<String, Place> places = new HashMap<>();
  private final Font normalFont; // the theme's; zoom scales it
  private String docId;

  /** The caret and selection (code points) and the viewport's position. */
  private record Place(int mark, int dot, Point view) {}

  DocumentView(QuireTextArea area, RTextScrollPane scroll, UiPreferences prefs) {
    this.area = area;
    this.scroll = scroll;
    this.prefs = prefs;
    this.normalFont = area.getFont();
  }

  /** A theme was applied to the text area, with its own font size: zoom it again. */
  void themeApplied() {
    applyZoom();
  }

  /** Shows {@code id}'s word wrap and zoom; where it was left, if it was shown before. */
  void show(String id) {
    docId = id;
    area.setLineWrap(prefs.wordWrap(id).orElse(wrapsByDefault(area.getSyntaxEditingStyle())));
    area.setWrapStyleWord(true);
    applyZoom();
    Place p = places.get(id);
    SessionBinding b = area.binding();
    if (p != null && b != null) {
      int length = area.getDocument().getLength();
      area.setCaretPosition(Math.min(length, b.toOffset(p.mark())));
      area.moveCaretPosition(Math.min(length, b.toOffset(p.dot())));
      // After the new text is laid out, or the viewport clamps the position to the old size.
      SwingUtilities.invokeLater(() -> scroll.getViewport().setViewPosition(p.view()));
    }
  }

  /** Remembers where the caret and the scroll are in the document shown, before it goes. */
  void leave() {
    SessionBinding b = area.binding();
    if (docId != null && b != null) {
      places.put(
          docId,
          new Place(
              b.toCodePoint(area.getCaret().getMark()),
              b.toCodePoint(area.getCaret().getDot()),
              scroll.getViewport().getViewPosition()));
    }
  }

  boolean wordWrap() {
    return area.chosenLineWrap();
  }

  void setWordWrap(boolean wrap) {
    area.setLineWrap(wrap);
    if (docId != null) {
      prefs.setWordWrap(docId, wrap);
    }
  }

  void zoomIn() {
    setZoom(Zoom.in(zoom()));
  }

  void zoomOut() {
    setZoom(Zoom.out(zoom()));
  }

  void actualSize() {
    setZoom(100);
  }

  private int zoom() {
    return docId == null ? 100 : prefs.zoomPercent(docId);
  }

  private void setZoom(int percent) {
    if (docId != null) {
      prefs.setZoomPercent(docId, percent);
      applyZoom();
    }
  }

  private void applyZoom() {
    float size = normalFont.getSize2D() * zoom() / 100f;
    Font f = normalFont.deriveFont(size);
    if (!f.equals(area.getFont())) {
      // Setting even the same font measures every line again: seconds for a large document, at
      // each document shown.
      area.setFont(f);
    }
    scroll.getGutter().setLineNumberFont(f);
  }

  /** Prose wraps, as in a word processor; code keeps its lines, as in a code editor. */
  static boolean wrapsByDefault(String syntaxStyle) {
    return SyntaxConstants.SYNTAX_STYLE_NONE.equals(syntaxStyle)
        || SyntaxConstants.SYNTAX_STYLE_MARKDOWN.equals(syntaxStyle);
  }
}
