package dev.quire.editor.ui;

import dev.quire.editor.sync.RemotePresence;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Insets;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLayeredPane;
import javax.swing.JScrollPane;
import javax.swing.JViewport;
import javax.swing.SwingUtilities;

/**
 * The text's scroll pane with a marker at the edge of the view for each collaborator whose caret is
 * out of sight: at the top when it is above, at the bottom when below, at the right (or left) edge
 * when it is beyond the visible part of a long line. A marker shows the owner's colour and name and
 * takes the view there when clicked. Markers are buttons on a layer above the scroll pane; clicks
 * anywhere else reach the text as usual. Event thread only.
 */
final class PresenceMarkers extends JLayeredPane {
  /** Where a caret is, seen from the view. */
  enum Side {
    ABOVE("▲ ", ""),
    BELOW("▼ ", ""),
    LEFT("◀ ", ""),
    RIGHT("", " ▶");

    private final String before;
    private final String after;

    Side(String before, String after) {
      this.before = before;
      this.after = after;
    }

    String label(String name) {
      return before + name + after;
    }
  }

  private static final int GAP = 3;

  private final QuireTextArea area;
  private final JScrollPane scroll;
  private final Consumer<RemotePresence> jump;
  private final Map<String, JButton> markers = new HashMap<>(); // by session
  private final Map<String, Side> sides = new HashMap<>();
  private boolean updateQueued;

  /**
   * @param jump takes the view to a collaborator's caret
   */
  PresenceMarkers(QuireTextArea area, JScrollPane scroll, Consumer<RemotePresence> jump) {
    this.area = area;
    this.scroll = scroll;
    this.jump = jump;
    add(scroll, JLayeredPane.DEFAULT_LAYER);
    scroll.getViewport().addChangeListener(e -> update());
    area.getDocument()
        .addDocumentListener(
            new javax.swing.event.DocumentListener() {
              @Override
              public void insertUpdate(javax.swing.event.DocumentEvent e) {
                updateLater();
              }

              @Override
              public void removeUpdate(javax.swing.event.DocumentEvent e) {
                updateLater();
              }

              @Override
              public void changedUpdate(javax.swing.event.DocumentEvent e) {}
            });
  }

  @Override
  public void doLayout() {
    scroll.setBounds(0, 0, getWidth(), getHeight());
    scroll.validate();
    update();
  }

  @Override
  public Dimension getPreferredSize() {
    return scroll.getPreferredSize();
  }

  /** Where each collaborator's marker is (by session); only those out of sight have one. */
  Map<String, Side> sides() {
    return Map.copyOf(sides);
  }

  /** The marker of {@code session}, or null when their caret is in sight; for tests. */
  JButton marker(String session) {
    JButton b = markers.get(session);
    return b != null && b.isVisible() ? b : null;
  }

  /** Once the text has been laid out again after an edit, as the caret positions moved. */
  private void updateLater() {
    if (!updateQueued) {
      updateQueued = true;
      SwingUtilities.invokeLater(
          () -> {
            updateQueued = false;
            update();
          });
    }
  }

  /** Places a marker for every collaborator whose caret is out of the view, and hides the rest. */
  void update() {
    Collection<RemotePresence> present = area.shownPresences();
    List<String> gone = new ArrayList<>(markers.keySet());
    sides.clear();
    JViewport viewport = scroll.getViewport();
    Rectangle view = viewport.getViewRect();
    Rectangle port =
        SwingUtilities.convertRectangle(viewport.getParent(), viewport.getBounds(), this);
    List<Rectangle> taken = new ArrayList<>();
    for (RemotePresence p : present) {
      gone.remove(p.session());
      JButton b = markers.computeIfAbsent(p.session(), s -> newMarker());
      Rectangle caret = Carets.rectangle(area, p);
      Side side = caret == null ? null : sideOf(caret, view);
      if (side == null) {
        b.setVisible(false);
        continue;
      }
      sides.put(p.session(), side);
      if (!side.label(p.name()).equals(b.getText())
          || !p.equals(b.getClientProperty(RemotePresence.class))) {
        style(b, p, side);
      }
      Dimension size = b.getPreferredSize();
      Rectangle at = place(side, size, caret, view, port);
      for (Rectangle t : taken) { // side by side with others on the same edge, never on top
        if (t.intersects(at)) {
          if (side == Side.ABOVE || side == Side.BELOW) {
            at.x = t.x + t.width + GAP;
          } else {
            at.y = t.y + t.height + GAP;
          }
        }
      }
      taken.add(at);
      b.setBounds(at);
      b.setVisible(true);
      b.putClientProperty(RemotePresence.class, p);
    }
    for (String s : gone) {
      JButton b = markers.remove(s);
      Rectangle was = b.getBounds();
      remove(b);
      repaint(was); // only where it was: the text under it is painted by its own edits
    }
  }

  /** Where {@code caret} (text area coordinates) is out of {@code view}, or null when in it. */
  static Side sideOf(Rectangle caret, Rectangle view) {
    if (caret.y + caret.height <= view.y) {
      return Side.ABOVE;
    }
    if (caret.y >= view.y + view.height) {
      return Side.BELOW;
    }
    if (caret.x >= view.x + view.width) {
      return Side.RIGHT;
    }
    if (caret.x + Math.max(1, caret.width) <= view.x) {
      return Side.LEFT;
    }
    return null;
  }

  private static Rectangle place(
      Side side, Dimension size, Rectangle caret, Rectangle view, Rectangle port) {
    int x = port.x + caret.x - view.x;
    int y = port.y + caret.y - view.y;
    int minX = port.x + GAP;
    int maxX = port.x + port.width - size.width - GAP;
    int minY = port.y + GAP;
    int maxY = port.y + port.height - size.height - GAP;
    switch (side) {
      case ABOVE:
        return new Rectangle(clamp(x, minX, maxX), minY, size.width, size.height);
      case BELOW:
        return new Rectangle(clamp(x, minX, maxX), maxY, size.width, size.height);
      case RIGHT:
        return new Rectangle(maxX, clamp(y, minY, maxY), size.width, size.height);
      default:
        return new Rectangle(minX, clamp(y, minY, maxY), size.width, size.height);
    }
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(v, Math.max(min, max)));
  }

  private JButton newMarker() {
    JButton b = PlainText.button();
    b.setName("presence-marker");
    b.setFocusable(false); // a click leaves the keyboard in the text
    b.setOpaque(true);
    b.setContentAreaFilled(true);
    b.setBorderPainted(true);
    b.setMargin(new Insets(1, 6, 1, 6));
    b.putClientProperty("JButton.buttonType", "roundRect"); // FlatLaf: a pill
    b.addActionListener(
        e -> {
          if (b.getClientProperty(RemotePresence.class) instanceof RemotePresence p) {
            jump.accept(p);
          }
        });
    add(b, JLayeredPane.PALETTE_LAYER);
    return b;
  }

  private void style(JButton b, RemotePresence p, Side side) {
    Color colour = Colours.parse(p.colour());
    b.setText(side.label(p.name()));
    b.setBackground(colour);
    b.setForeground(Colours.readableOn(colour));
    b.setBorder(BorderFactory.createEmptyBorder(2, 7, 2, 7));
    b.setFont(
        area.getFont().deriveFont(Font.BOLD, Math.max(10f, area.getFont().getSize2D() * 0.8f)));
    String where =
        switch (side) {
          case ABOVE -> "above the view";
          case BELOW -> "below the view";
          case RIGHT -> "beyond the right edge";
          case LEFT -> "beyond the left edge";
        };
    b.setToolTipText(p.name() + " is " + where + ": click to go there");
  }
}
