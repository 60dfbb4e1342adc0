package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.RemotePresence;
import dev.quire.editor.sync.SyncStatus;
import dev.quire.ot.cursor.Selection;
import java.awt.Component;
import java.awt.Container;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status bar in a real 800-pixel window, with everything it can show at once. */
class StatusBarLayoutTest {
  private static final String LONG =
      "Zoë Ørnskjöld-Łukasiewicz von Habsburg-Lothringen und Württemberg";
  private static final String CJK = "李小龍 Bruce Lee the Second of Ünterföhring";

  private JFrame frame;

  @AfterEach
  void close() {
    if (frame != null) {
      Gui.run(frame::dispose);
    }
  }

  @Test
  void longAndNonAsciiNamesNeverOverlapTheStatusText() {
    Gui.requireDisplay();
    StatusBar bar =
        Gui.onEdt(
            () -> {
              StatusBar b = new StatusBar();
              frame = new JFrame("status");
              frame.add(b);
              frame.setSize(800, 80);
              frame.setVisible(true);
              b.showStatus(
                  new SyncStatus(SyncStatus.State.CATCHING_UP, 4_000, 90_000, 12, null), 81_234);
              b.showCaret(1234, 56);
              b.showHint("Every edit is saved as you type; nothing to do");
              b.showPeople(
                  List.of(
                      new RemotePresence("s1", "zoe", LONG, "#e11d48", Selection.caret(0)),
                      new RemotePresence("s2", "lee", CJK, "#2563eb", Selection.caret(0))));
              frame.validate();
              return b;
            });
    List<Rectangle> status = Gui.onEdt(() -> shownBounds(bar, bar.statusPart()));
    List<Rectangle> people = Gui.onEdt(() -> shownBounds(bar, bar.peoplePart()));
    assertThat(people).as("someone shown").isNotEmpty();
    int width = Gui.onEdt(bar::getWidth);
    for (Rectangle p : people) {
      assertThat(p.x).as("inside the bar").isGreaterThanOrEqualTo(0);
      assertThat(p.x + p.width).as("inside the bar").isLessThanOrEqualTo(width);
      for (Rectangle s : status) {
        assertThat(p.intersects(s)).as(p + " overlaps the status text at " + s).isFalse();
      }
    }
    // Every name can still be read in full: its tooltip.
    List<String> tips =
        Gui.onEdt(
            () -> {
              List<String> out = new ArrayList<>();
              for (Component c : bar.peoplePart().getComponents()) {
                if (c instanceof JLabel l && l.getToolTipText() != null) {
                  out.add(l.getToolTipText());
                }
              }
              return out;
            });
    assertThat(String.join("\n", tips)).contains(LONG).contains(CJK);
  }

  /** The visible bounds, in {@code bar}'s coordinates, of the leaves under {@code part}. */
  private static List<Rectangle> shownBounds(StatusBar bar, Container part) {
    List<Rectangle> out = new ArrayList<>();
    for (Component c : part.getComponents()) {
      if (!c.isVisible() || c.getWidth() == 0) {
        continue;
      }
      if (c instanceof JLabel l && (l.getText() == null || l.getText().isEmpty())) {
        continue;
      }
      if (c instanceof Container k && k.getComponentCount() > 0 && !(c instanceof JLabel)) {
        out.addAll(shownBounds(bar, k));
      } else {
        Rectangle visible = c.getBounds().intersection(new Rectangle(part.getSize()));
        if (!visible.isEmpty()) {
          out.add(SwingUtilities.convertRectangle(part, visible, bar));
        }
      }
    }
    return out;
  }
}
