package dev.quire.editor.ui;

import dev.quire.editor.sync.RemotePresence;
import dev.quire.editor.sync.SyncStatus;
import java.awt.Color;
import java.awt.Container;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.Insets;
import java.awt.LayoutManager;
import java.awt.RenderingHints;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.Icon;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.UIManager;

/**
 * The line at the bottom: where sync is (offline, connecting, catching up with a progress bar,
 * sending, synced), how many edits are unsent, the revision, and who else is here.
 */
final class StatusBar extends JPanel {
  private final JLabel state = new JLabel();
  private final JProgressBar progress = new JProgressBar();
  private final JLabel unsent = new JLabel();
  private final JLabel revision = new JLabel();
  private final JLabel caret = new JLabel();
  private final JLabel hint = PlainText.label(""); // may quote a collaborator's name
  private final javax.swing.Timer hintTimer = new javax.swing.Timer(5000, e -> hint.setText(""));

  /** The widest a collaborator's name is shown; longer names end in "…" (full in the tooltip). */
  private static final int NAME_WIDTH = 180;

  private final JPanel left = new JPanel();
  private final JPanel people = new JPanel();
  private SyncStatus shown; // the status on show, or null
  private boolean readOnly; // the open document may only be read (a viewer's)
  private String connection; // the connection in words, or null

  StatusBar() {
    setLayout(new SideBySide());
    setBorder(
        BorderFactory.createCompoundBorder(
            BorderFactory.createMatteBorder(1, 0, 0, 0, UIManager.getColor("Separator.foreground")),
            BorderFactory.createEmptyBorder(3, 8, 3, 8)));
    left.setLayout(new BoxLayout(left, BoxLayout.X_AXIS));
    left.setOpaque(false);
    progress.setPreferredSize(new Dimension(140, 12));
    progress.setMaximumSize(new Dimension(140, 12));
    progress.setVisible(false);
    for (JComponent c : new JComponent[] {state, progress, unsent, revision, caret, hint}) {
      left.add(c);
      left.add(Box.createHorizontalStrut(12));
    }
    hint.setMinimumSize(new Dimension(0, 0)); // the first to give way, ending in "…"
    hint.setName("status.hint");
    hintTimer.setRepeats(false);
    people.setLayout(new BoxLayout(people, BoxLayout.X_AXIS));
    people.setOpaque(false);
    add(left);
    add(people);
    state.setName("status.state");
    unsent.setName("status.unsent");
    revision.setName("status.revision");
    showStatus(null, 0);
  }

  /** The current document's sync status; null when no document is open. */
  void showStatus(SyncStatus s, long rev) {
    if (s == null) {
      shown = null;
      state.setToolTipText(wrappedTooltip());
      state.setText("No document open");
      state.setIcon(null);
      progress.setVisible(false);
      unsent.setText("");
      revision.setText("");
      caret.setText(""); // no text, no caret: a position left over would be another document's
      return;
    }
    state.setIcon(new Dot(colourOf(s.state())));
    state.setText(
        readOnly && s.state() != SyncStatus.State.REFUSED ? words(s) + " · Read only" : words(s));
    shown = s;
    state.setToolTipText(wrappedTooltip());
    boolean catching = s.state() == SyncStatus.State.CATCHING_UP && s.toCatchUp() > 0;
    progress.setVisible(catching);
    if (catching) {
      progress.setMaximum((int) Math.min(Integer.MAX_VALUE, s.toCatchUp()));
      progress.setValue((int) Math.min(Integer.MAX_VALUE, s.caughtUp()));
    }
    unsent.setText(s.unacknowledged() == 0 ? "all edits sent" : s.unacknowledged() + " unsent");
    revision.setText("rev " + rev);
  }

  /** Whether the open document may only be read (a viewer's); said beside its sync state. */
  void showReadOnly(boolean readOnly, long rev) {
    this.readOnly = readOnly;
    if (shown != null) {
      showStatus(shown, rev);
    }
  }

  /** The connection in words (which relay, or why none), shown as the state's tooltip. */
  void showConnection(String description) {
    connection = description;
    state.setToolTipText(wrappedTooltip());
  }

  /** The document's sync error when it has one, else the connection; plain text. */
  private String tooltip() {
    return shown != null && shown.error() != null ? shown.error() : connection;
  }

  /** The tooltip wrapped to a readable width: reasons naming several relays run long. */
  private String wrappedTooltip() {
    String t = tooltip();
    if (t == null || t.length() < 80) {
      return t;
    }
    String escaped = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    return "<html><body style='width: 420px'>" + escaped + "</body></html>";
  }

  void showCaret(int line, int column) {
    caret.setText("Ln " + line + ", Col " + column);
  }

  /** Collaborators in this document: one coloured name each (several connections, one name). */
  void showPeople(Collection<RemotePresence> presences) {
    people.removeAll();
    Map<String, RemotePresence> byUser = new LinkedHashMap<>();
    presences.forEach(p -> byUser.putIfAbsent(p.user() + "\u0000" + p.name(), p));
    for (RemotePresence p : byUser.values()) {
      JLabel who = PlainText.label(p.name(), new Dot(Colours.parse(p.colour())), JLabel.LEFT);
      who.setToolTipText(p.name() + " (" + p.user() + ") is here");
      Dimension size = who.getPreferredSize();
      who.setPreferredSize(new Dimension(Math.min(size.width, NAME_WIDTH), size.height));
      who.setMinimumSize(new Dimension(Math.min(size.width, 40), size.height));
      people.add(Box.createHorizontalStrut(8));
      people.add(who);
    }
    if (byUser.isEmpty()) {
      people.add(new JLabel("only you here"));
    }
    people.revalidate();
    people.repaint();
  }

  /** A remark that fades after a few seconds. */
  void showHint(String message) {
    hint.setText(message);
    hintTimer.restart();
  }

  /** The sync state, counts, caret and hint; for tests. */
  JPanel statusPart() {
    return left;
  }

  /** The collaborators' names; for tests. */
  JPanel peoplePart() {
    return people;
  }

  String hintText() {
    return hint.getText();
  }

  String stateText() {
    return state.getText();
  }

  /** The state's tooltip as plain text. */
  String stateTooltip() {
    return tooltip();
  }

  String unsentText() {
    return unsent.getText();
  }

  static String words(SyncStatus s) {
    return switch (s.state()) {
      case OFFLINE -> "Offline";
      case CONNECTING -> "Connecting…";
      case CATCHING_UP ->
          s.toCatchUp() > 0
              ? "Catching up " + s.caughtUp() + " of " + s.toCatchUp()
              : "Catching up…"; // the count is not known until the relay says how far it is
      case UPLOADING -> "Uploading " + s.caughtUp() + " of " + s.toCatchUp();
      case SENDING -> "Sending…";
      case SYNCED -> "Synced";
      case REFUSED -> "Read only: your edits are not sent";
      case ERROR -> "Sync stopped: " + s.error();
    };
  }

  private static Color colourOf(SyncStatus.State s) {
    return switch (s) {
      case OFFLINE -> new Color(0x9ca3af);
      case CONNECTING, CATCHING_UP, UPLOADING, SENDING -> new Color(0xf59e0b);
      case SYNCED -> new Color(0x22c55e);
      case REFUSED -> new Color(0xef4444);
      case ERROR -> new Color(0xef4444);
    };
  }

  /**
   * The status on the left, the people on the right, never over each other: the people get what the
   * status leaves, and at least 40% of the width; names shrink (ending in "…") to fit.
   */
  private final class SideBySide implements LayoutManager {
    private static final int GAP = 16;

    @Override
    public void layoutContainer(Container parent) {
      Insets in = parent.getInsets();
      int width = parent.getWidth() - in.left - in.right;
      int height = parent.getHeight() - in.top - in.bottom;
      int wanted = people.getPreferredSize().width;
      int leftWanted = left.getPreferredSize().width;
      int peopleWidth =
          Math.max(0, Math.min(wanted, Math.max(width - leftWanted - GAP, width * 2 / 5)));
      int leftWidth = Math.max(0, width - peopleWidth - GAP);
      left.setBounds(in.left, in.top, leftWidth, height);
      people.setBounds(in.left + width - peopleWidth, in.top, peopleWidth, height);
    }

    @Override
    public Dimension preferredLayoutSize(Container parent) {
      Insets in = parent.getInsets();
      Dimension l = left.getPreferredSize();
      Dimension p = people.getPreferredSize();
      return new Dimension(
          l.width + GAP + p.width + in.left + in.right,
          Math.max(l.height, p.height) + in.top + in.bottom);
    }

    @Override
    public Dimension minimumLayoutSize(Container parent) {
      Insets in = parent.getInsets();
      return new Dimension(in.left + in.right, preferredLayoutSize(parent).height);
    }

    @Override
    public void addLayoutComponent(String name, java.awt.Component comp) {}

    @Override
    public void removeLayoutComponent(java.awt.Component comp) {}
  }

  /** A small filled circle. */
  static final class Dot implements Icon {
    private final Color colour;

    Dot(Color colour) {
      this.colour = colour;
    }

    @Override
    public void paintIcon(java.awt.Component c, Graphics g, int x, int y) {
      Graphics2D g2 = (Graphics2D) g.create();
      g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g2.setColor(colour);
      g2.fillOval(x + 1, y + 1, 8, 8);
      g2.dispose();
    }

    @Override
    public int getIconWidth() {
      return 10;
    }

    @Override
    public int getIconHeight() {
      return 10;
    }
  }
}
