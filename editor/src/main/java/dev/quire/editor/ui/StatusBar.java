package dev.quire.editor.ui;

import dev.quire.editor.sync.RemotePresence;
import dev.quire.editor.sync.SyncStatus;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.Icon;
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
  private final JLabel hint = new JLabel();
  private final javax.swing.Timer hintTimer = new javax.swing.Timer(5000, e -> hint.setText(""));
  private final JPanel people = new JPanel(new FlowLayout(FlowLayout.RIGHT, 6, 0));
  private SyncStatus shown; // the status on show, or null
  private String connection; // the connection in words, or null

  StatusBar() {
    super(new BorderLayout());
    setBorder(
        BorderFactory.createCompoundBorder(
            BorderFactory.createMatteBorder(1, 0, 0, 0, UIManager.getColor("Separator.foreground")),
            BorderFactory.createEmptyBorder(3, 8, 3, 8)));
    JPanel left = new JPanel(new FlowLayout(FlowLayout.LEFT, 12, 0));
    left.setOpaque(false);
    progress.setPreferredSize(new Dimension(140, 12));
    progress.setVisible(false);
    left.add(state);
    left.add(progress);
    left.add(unsent);
    left.add(revision);
    left.add(caret);
    left.add(hint);
    hint.setName("status.hint");
    hintTimer.setRepeats(false);
    people.setOpaque(false);
    add(left, BorderLayout.WEST);
    add(people, BorderLayout.EAST);
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
      return;
    }
    state.setIcon(new Dot(colourOf(s.state())));
    state.setText(words(s));
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
      JLabel who = new JLabel(p.name(), new Dot(Colours.parse(p.colour())), JLabel.LEFT);
      who.setToolTipText(p.name() + " (" + p.user() + ") is here");
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
      case CATCHING_UP -> "Catching up " + s.caughtUp() + " of " + s.toCatchUp();
      case SENDING -> "Sending…";
      case SYNCED -> "Synced";
      case ERROR -> "Sync stopped: " + s.error();
    };
  }

  private static Color colourOf(SyncStatus.State s) {
    return switch (s) {
      case OFFLINE -> new Color(0x9ca3af);
      case CONNECTING, CATCHING_UP, SENDING -> new Color(0xf59e0b);
      case SYNCED -> new Color(0x22c55e);
      case ERROR -> new Color(0xef4444);
    };
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
