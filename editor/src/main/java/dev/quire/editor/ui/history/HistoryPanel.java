package dev.quire.editor.ui.history;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentListener;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.SyncStatus;
import dev.quire.ot.operation.TextOperation;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Font;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JSlider;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.UIManager;
import javax.swing.event.UndoableEditEvent;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rsyntaxtextarea.Theme;
import org.fife.ui.rtextarea.RTextScrollPane;
import org.fife.ui.rtextarea.RUndoManager;

/**
 * The history of one document: a slider over every revision, playback, who made the shown revision
 * and when, the text coloured by author, and "Restore this revision".
 *
 * <p>Everything comes from the local store, so it works offline. Store work runs on the store's and
 * the {@link HistoryIndex}'s threads; slider moves are coalesced (one revision is computed at a
 * time, always the latest asked for, and a result for a revision no longer asked for is dropped).
 *
 * <p><b>Threading.</b> Event thread only, like the {@link DocumentSession} it shows.
 */
public final class HistoryPanel extends JPanel {
  /** Playback speeds, in revisions per second. */
  private static final int[] SPEEDS = {1, 10, 100, 1000, 10_000};

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withZone(ZoneId.systemDefault());

  private final LocalStore store;
  private final DocumentSession session;
  private final HistoryIndex index;
  private final boolean dark;
  private final RSyntaxTextArea text = new ReadOnlyTextArea();
  private final AuthorPainter painter = new AuthorPainter();
  private final AuthorLegend legend = new AuthorLegend();
  private final JLabel info = new JLabel("Loading the history…");
  private final JLabel status = new JLabel(" ");
  private final JSlider slider = new JSlider(0, 0, 0);
  private final JButton play = new JButton("Play");
  private final JComboBox<String> speed = new JComboBox<>();
  private final JButton restore = new JButton("Restore this revision…");
  private final Timer playTimer = new Timer(33, e -> tick());
  private final Timer headCheck = new Timer(150, e -> checkHead());
  private final Map<String, Color> colours = new HashMap<>();
  private final DocumentListener sessionListener;
  private Object highlight;
  private long head = -1;
  private long indexed;
  private long requested = -1;
  private boolean inFlight;
  private Frame shown;
  private String shownText = "";
  private long lastTick;
  private double stepDebt;
  private boolean closed;
  private Probe probe = new Probe() {};

  /** Hooks for tests and the benchmark: called on the event thread. */
  interface Probe {
    default void textShown(long revision) {}

    default void colouringShown(long revision) {}

    default void indexed(long revision) {}
  }

  /** Builds the view of {@code session}'s document; on the event thread. */
  public HistoryPanel(LocalStore store, DocumentSession session) {
    super(new BorderLayout());
    requireEventThread();
    this.store = Objects.requireNonNull(store, "store == null");
    this.session = Objects.requireNonNull(session, "session == null");
    this.dark = AuthorColours.isDark(UIManager.getColor("Panel.background"));
    this.index =
        new HistoryIndex(store, session.id(), r -> SwingUtilities.invokeLater(() -> indexedTo(r)));
    setName("history");
    add(header(), BorderLayout.NORTH);
    add(textPane(), BorderLayout.CENTER);
    add(controls(), BorderLayout.SOUTH);
    slider.addChangeListener(e -> request(slider.getValue()));
    headCheck.setRepeats(false);
    sessionListener =
        new DocumentListener() {
          @Override
          public void remoteEdit(TextOperation op) {
            headCheck.restart();
          }

          @Override
          public void statusChanged(SyncStatus s) {
            headCheck.restart();
          }
        };
    session.addListener(sessionListener);
    checkHead();
  }

  /**
   * Opens the history of {@code session}'s document in its own window, titled "History — TITLE";
   * closing the window closes the panel. On the event thread.
   */
  public static JFrame showWindow(Component parent, LocalStore store, DocumentSession session) {
    HistoryPanel panel = new HistoryPanel(store, session);
    JFrame frame = new JFrame("History — " + session.document().title());
    frame.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
    frame.addWindowListener(
        new WindowAdapter() {
          @Override
          public void windowClosed(WindowEvent e) {
            panel.close();
          }
        });
    frame.add(panel);
    frame.setSize(1000, 700);
    frame.setLocationRelativeTo(parent);
    frame.setVisible(true);
    return frame;
  }

  /** Stops playback, timers and listening to the session, and the background reading. */
  public void close() {
    requireEventThread();
    if (closed) {
      return;
    }
    closed = true;
    playTimer.stop();
    headCheck.stop();
    session.removeListener(sessionListener);
    index.close();
  }

  private JPanel header() {
    JPanel p = new JPanel();
    p.setLayout(new BoxLayout(p, BoxLayout.Y_AXIS));
    p.setBorder(BorderFactory.createEmptyBorder(8, 10, 6, 10));
    info.setName("history.info");
    info.setFont(info.getFont().deriveFont(Font.BOLD, info.getFont().getSize2D() + 1));
    JPanel top = new JPanel(new BorderLayout());
    top.add(info, BorderLayout.WEST);
    status.setName("history.status");
    top.add(status, BorderLayout.EAST);
    top.setAlignmentX(LEFT_ALIGNMENT);
    legend.setAlignmentX(LEFT_ALIGNMENT);
    p.add(top);
    p.add(Box.createVerticalStrut(4));
    p.add(legend);
    return p;
  }

  private RTextScrollPane textPane() {
    text.setName("history.text");
    text.setEditable(false);
    text.setSyntaxEditingStyle(SyntaxConstants.SYNTAX_STYLE_NONE);
    if (dark) {
      applyTheme("dark.xml");
    }
    text.setHighlightCurrentLine(false);
    text.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 13));
    text.setCodeFoldingEnabled(false);
    return new RTextScrollPane(text);
  }

  private void applyTheme(String name) {
    try (var in = RSyntaxTextArea.class.getResourceAsStream("themes/" + name)) {
      Theme.load(in).apply(text);
    } catch (IOException e) {
      throw new UncheckedIOException("RSyntaxTextArea theme " + name, e);
    }
  }

  private JPanel controls() {
    JPanel p = new JPanel(new BorderLayout(8, 0));
    p.setBorder(BorderFactory.createEmptyBorder(6, 10, 8, 10));
    play.setName("history.play");
    play.addActionListener(e -> togglePlay());
    for (int s : SPEEDS) {
      speed.addItem(String.format("%,d rev/s", s));
    }
    speed.setSelectedIndex(2);
    speed.setName("history.speed");
    speed.setToolTipText("Playback speed, in revisions per second");
    JPanel left = new JPanel(new BorderLayout(6, 0));
    left.add(play, BorderLayout.WEST);
    left.add(speed, BorderLayout.EAST);
    slider.setName("history.slider");
    slider.setEnabled(false);
    restore.setName("history.restore");
    restore.setEnabled(false);
    restore.setToolTipText("Make a new edit that turns the document into this revision's text");
    restore.addActionListener(e -> confirmRestore());
    p.add(left, BorderLayout.WEST);
    p.add(slider, BorderLayout.CENTER);
    p.add(restore, BorderLayout.EAST);
    return p;
  }

  // ---- the head grows as the session takes revisions ----

  private void checkHead() {
    store
        .document(session.id())
        .thenAccept(d -> d.ifPresent(doc -> SwingUtilities.invokeLater(() -> headIs(doc.head()))));
  }

  private void headIs(long h) {
    if (closed || h <= head) {
      return;
    }
    boolean follow = head < 0 || (slider.getValue() == head && !playTimer.isRunning());
    head = h;
    slider.setMaximum((int) Math.min(Integer.MAX_VALUE, h));
    slider.setEnabled(true);
    index.indexTo(h);
    if (follow) {
      slider.setValue((int) h);
      request(h); // setValue does not fire when the value stays the same
    }
    indexedTo(indexed);
  }

  private void indexedTo(long r) {
    indexed = r;
    status.setText(
        r >= head ? " " : String.format("Reading authorship… %d%%", Math.round(100.0 * r / head)));
    probe.indexed(r);
  }

  // ---- showing a revision ----

  private void request(long revision) {
    requested = revision;
    if (!inFlight && !closed) {
      inFlight = true;
      index
          .frame(revision)
          .whenComplete((f, e) -> SwingUtilities.invokeLater(() -> arrived(revision, f, e)));
    }
  }

  private void arrived(long revision, Frame f, Throwable failure) {
    inFlight = false;
    if (closed) {
      return;
    }
    if (revision != requested) {
      request(requested); // stale: only the latest request is worth showing
      return;
    }
    if (failure != null) {
      status.setText("Cannot show revision " + revision + ": " + rootMessage(failure));
      return;
    }
    show(f);
  }

  private void show(Frame f) {
    shown = f;
    replaceText(f.text());
    info.setText(describe(f));
    restore.setEnabled(true);
    painter.clear();
    probe.textShown(f.revision());
    Frame.Colouring c = f.colouring().getNow(null);
    if (c != null) {
      colour(c);
    } else {
      legend.clear();
      f.colouring()
          .whenComplete(
              (k, e) -> {
                if (k != null) {
                  SwingUtilities.invokeLater(() -> colourIfShown(f, k));
                }
              });
    }
  }

  private String describe(Frame f) {
    String of = String.format("Revision %,d of %,d", f.revision(), head);
    if (f.author() == null) {
      return of + " — the empty document, before the first edit";
    }
    return of + " — " + f.author() + " — " + TIME.format(Instant.ofEpochMilli(f.timestampMillis()));
  }

  /** Replaces only what differs, so playback is cheap and the view does not jump. */
  private void replaceText(String next) {
    int p = 0;
    int min = Math.min(shownText.length(), next.length());
    while (p < min && shownText.charAt(p) == next.charAt(p)) {
      p++;
    }
    if (p > 0 && Character.isHighSurrogate(next.charAt(p - 1))) {
      p--; // keep a surrogate pair whole, so the caret never lands inside it
    }
    int s = 0;
    while (s < min - p
        && shownText.charAt(shownText.length() - 1 - s) == next.charAt(next.length() - 1 - s)) {
      s++;
    }
    text.replaceRange(next.substring(p, next.length() - s), p, shownText.length() - s);
    shownText = next;
    text.setCaretPosition(p);
  }

  private void colourIfShown(Frame f, Frame.Colouring c) {
    if (!closed && shown == f) {
      colour(c);
    }
  }

  private void colour(Frame.Colouring c) {
    Attribution a = c.attribution();
    Color[] runColours = new Color[a.runCount()];
    for (int i = 0; i < runColours.length; i++) {
      String author = c.authors().get(a.runAuthor(i));
      runColours[i] = colours.computeIfAbsent(author, name -> AuthorColours.background(name, dark));
    }
    painter.set(a.charStarts(shownText), runColours);
    try {
      if (highlight != null) {
        text.getHighlighter().removeHighlight(highlight);
      }
      highlight = text.getHighlighter().addHighlight(0, text.getDocument().getLength(), painter);
    } catch (javax.swing.text.BadLocationException e) {
      throw new IllegalStateException("the whole text is always a valid range", e);
    }
    text.repaint();
    legend.show(c);
    probe.colouringShown(c.revision());
  }

  // ---- playback ----

  private void togglePlay() {
    if (playTimer.isRunning()) {
      pause();
      return;
    }
    if (slider.getValue() >= head) {
      slider.setValue(0);
    }
    lastTick = System.nanoTime();
    stepDebt = 0;
    playTimer.start();
    play.setText("Pause");
  }

  private void pause() {
    playTimer.stop();
    play.setText("Play");
  }

  private void tick() {
    long now = System.nanoTime();
    stepDebt += SPEEDS[speed.getSelectedIndex()] * (now - lastTick) / 1e9;
    lastTick = now;
    int steps = (int) stepDebt;
    if (steps == 0) {
      return;
    }
    stepDebt -= steps;
    long next = Math.min(head, (long) slider.getValue() + steps);
    slider.setValue((int) next);
    if (next >= head) {
      pause();
    }
  }

  // ---- restore ----

  private void confirmRestore() {
    pause();
    Frame f = shown;
    if (f == null) {
      return;
    }
    String[] options = {"Restore", "Cancel"};
    int choice =
        JOptionPane.showOptionDialog(
            this,
            String.format(
                "<html>Make the document's text the text of revision %,d?<br><br>"
                    + "This is one new edit, synced like any other;"
                    + " the history keeps every revision.</html>",
                f.revision()),
            String.format("Restore revision %,d", f.revision()),
            JOptionPane.OK_CANCEL_OPTION,
            JOptionPane.QUESTION_MESSAGE,
            null,
            options,
            options[1]);
    if (choice != 0 || closed) {
      return;
    }
    try {
      status.setText(
          Restore.apply(session, f.text())
              ? String.format("Revision %,d restored as a new edit", f.revision())
              : String.format("The document already has the text of revision %,d", f.revision()));
    } catch (RuntimeException e) {
      JOptionPane.showMessageDialog(
          this,
          "The revision could not be restored: " + e.getMessage(),
          "Restore failed",
          JOptionPane.ERROR_MESSAGE);
    }
  }

  // ---- for tests and the benchmark ----

  void setProbe(Probe p) {
    probe = Objects.requireNonNull(p, "probe == null");
  }

  JSlider slider() {
    return slider;
  }

  JButton restoreButton() {
    return restore;
  }

  JButton playButton() {
    return play;
  }

  JComboBox<String> speedChoice() {
    return speed;
  }

  RSyntaxTextArea textArea() {
    return text;
  }

  JLabel infoLabel() {
    return info;
  }

  AuthorLegend legend() {
    return legend;
  }

  /** The revision whose text is shown, or -1. */
  long shownRevision() {
    return shown == null ? -1 : shown.revision();
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t instanceof CancellationException ? "cancelled" : String.valueOf(t.getMessage());
  }

  private static void requireEventThread() {
    if (!SwingUtilities.isEventDispatchThread()) {
      throw new IllegalStateException("the history view runs on the Swing event thread only");
    }
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
