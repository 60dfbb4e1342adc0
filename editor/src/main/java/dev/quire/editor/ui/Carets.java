package dev.quire.editor.ui;

import dev.quire.editor.sync.RemotePresence;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import javax.swing.text.BadLocationException;

/** Where collaborators' carets are on the text area, and taking the view to one. */
final class Carets {
  private Carets() {}

  /** {@code p}'s caret in the text area's coordinates, or null when no document is bound. */
  static Rectangle rectangle(QuireTextArea area, RemotePresence p) {
    SessionBinding b = area.binding();
    if (b == null) {
      return null;
    }
    int offset = Math.min(area.getDocument().getLength(), b.toOffset(p.selection().head()));
    try {
      Rectangle2D r = area.modelToView2D(offset);
      return r == null
          ? null
          : new Rectangle(r.getBounds().x, r.getBounds().y, 2, r.getBounds().height);
    } catch (BadLocationException e) {
      return null; // outside the text while it is being updated
    }
  }

  /** The 1-based line of {@code p}'s caret, or 0 when unknown. */
  static int line(QuireTextArea area, RemotePresence p) {
    SessionBinding b = area.binding();
    if (b == null) {
      return 0;
    }
    int offset = Math.min(area.getDocument().getLength(), b.toOffset(p.selection().head()));
    try {
      return area.getLineOfOffset(offset) + 1;
    } catch (BadLocationException e) {
      return 0;
    }
  }

  /**
   * Scrolls so that {@code p}'s caret is in view: centred when it was out of sight, unmoved when it
   * already shows ({@code centre} false) so that following someone does not shake the view.
   */
  static void show(QuireTextArea area, RemotePresence p, boolean centre) {
    Rectangle caret = rectangle(area, p);
    if (caret == null) {
      return;
    }
    Rectangle view = area.getVisibleRect();
    if (!centre && PresenceMarkers.sideOf(caret, view) == null) {
      return;
    }
    int lineHeight = Math.max(caret.height, area.getLineHeight());
    Rectangle target =
        centre
            ? new Rectangle(
                caret.x - view.width / 2,
                caret.y - (view.height - lineHeight) / 2,
                view.width,
                view.height)
            : new Rectangle(caret.x - 40, caret.y - lineHeight * 3, 80, lineHeight * 7);
    target.x = Math.max(0, target.x);
    target.y = Math.max(0, target.y);
    if (caret.x < view.width - 40 && !centre) {
      target.x = 0;
    }
    area.scrollRectToVisible(target);
  }
}
