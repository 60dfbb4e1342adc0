package dev.quire.editor.ui.history;

import dev.quire.editor.history.NotesDescription;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentListener;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.SyncStatus;
import dev.quire.editor.ui.PlainText;
import dev.quire.ot.operation.TextOperation;
import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Font;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
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
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;

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
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withZone(ZoneId.systemDefault());

  /** An edit synced within this long of being made shows one time, not both. */
  static final long SAME_TIME_MILLIS = 60_000;

  private static final String CANNOT_SHOW = "Cannot show revision ";

  private final LocalStore store;
  private final DocumentSession session;
  private final HistoryIndex index;
  private final RevisionText text;
  private final AuthorLegend legend = new AuthorLegend();
  private final JLabel info = new JLabel("Loading the history…");
  private final JLabel status = new JLabel(" ");
  private final JLabel notesLine = new JLabel(" "); // what the revision's notes did, if any
  private final JSlider slider = new JSlider(0, 0, 0);
  private final Playback playback = new Playback(slider, () -> Math.max(0, this.head));
  private final JButton restore = new JButton("Restore this revision…");
  private final VersionsBar versions;
  private final Timer headCheck = new Timer(150, e -> checkHead());
  private final DocumentListener sessionListener;
  private final Function<String, Person> people;
  private final java.beans.PropertyChangeListener lookChanged = this::lookChanged;
  private long head = -1;
  private long indexed;
  private long requested = -1;
  private boolean inFlight;
  private Frame shown;
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
    this(store, session, user -> null, () -> null);
  }

  /**
   * Builds the view of {@code session}'s document, each author shown as {@code people} says: the
   * name and colour they have beside their caret (null for an author it does not know: the login
   * name, in a colour of its own); {@code me} gives this profile's relay user, or null while it is
   * not known. On the event thread.
   */
  public HistoryPanel(
      LocalStore store,
      DocumentSession session,
      Function<String, Person> people,
      java.util.function.Supplier<String> me) {
    super(new BorderLayout());
    requireEventThread();
    this.people = Objects.requireNonNull(people, "people == null");
    this.store = Objects.requireNonNull(store, "store == null");
    this.session = Objects.requireNonNull(session, "session == null");
    this.text = new RevisionText(isDarkLook());
    UIManager.addPropertyChangeListener(lookChanged);
    this.index =
        new HistoryIndex(store, session.id(), r -> SwingUtilities.invokeLater(() -> indexedTo(r)));
    this.versions = new VersionsBar(session, this::shownRevision, this::jumpTo, me);
    setName("history");
    add(header(), BorderLayout.NORTH);
    add(text.pane(), BorderLayout.CENTER);
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

          @Override
          public void notesChanged() {
            versions.refresh();
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
    return showWindow(parent, store, session, user -> null, () -> null);
  }

  /** As the five-argument form, with this profile's relay user not known. */
  public static JFrame showWindow(
      Component parent,
      LocalStore store,
      DocumentSession session,
      java.util.function.Function<String, Person> people) {
    return showWindow(parent, store, session, people, () -> null);
  }

  /**
   * As {@link #showWindow(Component, LocalStore, DocumentSession)}, with each author shown as
   * {@code people} says (null for an author it does not know), {@code me} giving this profile's
   * relay user (null while not known).
   */
  public static JFrame showWindow(
      Component parent,
      LocalStore store,
      DocumentSession session,
      java.util.function.Function<String, Person> people,
      java.util.function.Supplier<String> me) {
    HistoryPanel panel = new HistoryPanel(store, session, people, me);
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
    playback.pause();
    headCheck.stop();
    UIManager.removePropertyChangeListener(lookChanged);
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
    notesLine.setName("history.notes");
    // Both lines hold people's display names and comment text: never drawn as HTML.
    PlainText.mark(info);
    PlainText.mark(notesLine);
    notesLine.setAlignmentX(LEFT_ALIGNMENT);
    notesLine.setVisible(false);
    p.add(top);
    p.add(notesLine);
    p.add(Box.createVerticalStrut(4));
    p.add(legend);
    return p;
  }

  private JPanel controls() {
    JPanel p = new JPanel(new BorderLayout(8, 0));
    p.setBorder(BorderFactory.createEmptyBorder(6, 10, 8, 10));
    slider.setName("history.slider");
    slider.setEnabled(false);
    restore.setName("history.restore");
    restore.setEnabled(false);
    restore.setToolTipText("Make a new edit that turns the document into this revision's text");
    restore.addActionListener(e -> confirmRestore());
    p.add(playback.controls(), BorderLayout.WEST);
    p.add(slider, BorderLayout.CENTER);
    JPanel east = new JPanel(new java.awt.FlowLayout(java.awt.FlowLayout.RIGHT, 6, 0));
    east.add(versions);
    east.add(restore);
    p.add(east, BorderLayout.EAST);
    return p;
  }

  // ---- the head grows as the session takes revisions ----

  private void checkHead() {
    store
        .document(session.id())
        .whenComplete(
            (d, e) ->
                SwingUtilities.invokeLater(
                    () -> {
                      if (e != null || d.isEmpty()) {
                        status.setText(
                            "Cannot read the history: "
                                + (e == null
                                    ? "the document is not in this profile"
                                    : rootMessage(e)));
                      } else {
                        headIs(d.get().head());
                      }
                    }));
  }

  private void headIs(long h) {
    if (closed || h <= head) {
      return;
    }
    boolean follow = head < 0 || (slider.getValue() == head && !playback.isPlaying());
    head = h;
    slider.setMaximum((int) Math.min(Integer.MAX_VALUE, h));
    slider.setEnabled(true);
    index.indexTo(h);
    if (follow) {
      slider.setValue((int) h);
      request(h); // setValue does not fire when the value stays the same
    } else if (shown != null) {
      info.setText(describe(shown)); // "of N" grew
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
      status.setText(CANNOT_SHOW + revision + ": " + rootMessage(failure));
      return;
    }
    show(f);
  }

  private void show(Frame f) {
    if (status.getText().startsWith(CANNOT_SHOW)) {
      status.setText(" "); // an earlier revision failed; this one did not
    }
    shown = f;
    text.show(f.text());
    info.setText(describe(f));
    showNotes(f);
    restore.setEnabled(!session.readOnly()); // restoring is an edit, which a viewer cannot make
    restore.setToolTipText(
        session.readOnly()
            ? "You can only read this document: restoring a revision would change it"
            : null);
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
    String made = TIME.format(Instant.ofEpochMilli(f.madeAtMillis()));
    String when =
        Math.abs(f.timestampMillis() - f.madeAtMillis()) < SAME_TIME_MILLIS
            ? made
            : "made " + made + ", synced " + TIME.format(Instant.ofEpochMilli(f.timestampMillis()));
    return of + " — " + person(f.author()).name() + " — " + when;
  }

  /**
   * Says what the revision's notes did, by whom, in their colour: a batch of notes alone changes no
   * text, and would otherwise look like an empty edit.
   */
  private void showNotes(Frame f) {
    if (f.notes().isEmpty() || f.author() == null) {
      notesLine.setVisible(false);
      return;
    }
    Person p = person(f.author());
    notesLine.setText(
        p.name()
            + " "
            + NotesDescription.of(f.notes())
            + (f.changesText() ? "" : " (the text is unchanged)"));
    notesLine.setIcon(new AuthorLegend.Swatch(p.colour()));
    notesLine.setVisible(true);
  }

  /** The line saying what the revision shown did besides its edit; for tests. */
  JLabel notesLine() {
    return notesLine;
  }

  private void colourIfShown(Frame f, Frame.Colouring c) {
    if (!closed && shown == f) {
      colour(c);
    }
  }

  private void colour(Frame.Colouring c) {
    text.colour(c, this::person);
    legend.show(c, this::person);
    probe.colouringShown(c.revision());
  }

  /** How {@code user} is shown: as {@code people} says, else by login, in a colour of its own. */
  private Person person(String user) {
    Person p = people.apply(user);
    return p != null ? p : new Person(user, AuthorColours.opaque(user));
  }

  /** Shows {@code revision}, as a move of the slider would. */
  private void jumpTo(long revision) {
    playback.pause();
    if (revision <= head) {
      slider.setValue((int) revision);
    }
  }

  // ---- restore ----

  private void confirmRestore() {
    playback.pause();
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

  VersionsBar versions() {
    return versions;
  }

  JButton restoreButton() {
    return restore;
  }

  JButton playButton() {
    return playback.playButton();
  }

  JComboBox<String> speedChoice() {
    return playback.speedChoice();
  }

  RSyntaxTextArea textArea() {
    return text.area();
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

  /** One look for every window: the text follows a switch (after the components took it). */
  private void lookChanged(java.beans.PropertyChangeEvent e) {
    if ("lookAndFeel".equals(e.getPropertyName())) {
      SwingUtilities.invokeLater(() -> text.setDark(isDarkLook()));
    }
  }

  private static boolean isDarkLook() {
    return AuthorColours.isDark(UIManager.getColor("Panel.background"));
  }

  private static void requireEventThread() {
    if (!SwingUtilities.isEventDispatchThread()) {
      throw new IllegalStateException("the history view runs on the Swing event thread only");
    }
  }
}
