package dev.quire.editor.ui;

import dev.quire.editor.sync.RemotePresence;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.awt.geom.Rectangle2D;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.swing.event.UndoableEditEvent;
import javax.swing.text.BadLocationException;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;
import org.fife.ui.rtextarea.RUndoManager;

/**
 * The editing surface: RSyntaxTextArea with collaborators' carets and selections drawn over the
 * text, each in its owner's colour with their name, and with undo and redo of the user's own edits
 * only (RSyntaxTextArea's own undo would also undo what others typed).
 *
 * <p>A caret's name flag covers part of the line above it, so it shows only for a moment after its
 * owner moves or types, and while the pointer is over the caret or its flag.
 */
public final class QuireTextArea extends RSyntaxTextArea {
  static {
    PlainTextTokens.install(); // emoji drawn whole in plain text
  }

  /**
   * Above this many characters the text is shown plain: no syntax colours, code folding or marked
   * occurrences. Folding parses the whole text again after each change and occurrences scan it at
   * each caret move, which a text of many megabytes turns into seconds per keystroke.
   */
  static final int PLAIN_ABOVE_CHARS = 2_000_000;

  private String chosenSyntax; // null while RSyntaxTextArea's constructor runs
  private boolean plainForSize;
  private boolean chosenWrap;
  private SessionBinding binding;
  private List<RemotePresence> carets = List.of();
  private Runnable whenPainted; // once, at the next paint (start-up timing)

  /** How long a name flag stays after its owner's caret last moved. */
  static final int FLAG_SHOWN_MILLIS = 2500;

  private final Map<String, Long> flagUntil = new HashMap<>(); // by session, in nanoTime
  private final javax.swing.Timer flagTimer = new javax.swing.Timer(0, e -> hideExpiredFlags());
  private String hovered; // the session whose caret or flag the pointer is over

  public QuireTextArea() {
    super(30, 100);
    chosenSyntax = getSyntaxEditingStyle();
    setCodeFoldingEnabled(true);
    setAntiAliasingEnabled(true);
    setTabSize(4);
    setMarkOccurrences(true);
    watchSize(getDocument());
    addPropertyChangeListener("document", e -> watchSize(getDocument()));
    // Keep the selection shown when another window has the focus: side by side with a
    // collaborator's window, the user still sees what they selected.
    addFocusListener(
        new java.awt.event.FocusAdapter() {
          @Override
          public void focusLost(java.awt.event.FocusEvent e) {
            getCaret().setSelectionVisible(true);
          }
        });
    addCaretListener(
        e -> {
          if (e.getDot() != e.getMark() && !getCaret().isSelectionVisible()) {
            getCaret().setSelectionVisible(true); // also before the window was ever focused
          }
        });
    flagTimer.setRepeats(false);
    MouseAdapter pointer =
        new MouseAdapter() {
          @Override
          public void mouseMoved(MouseEvent e) {
            hover(presenceAt(e.getPoint()));
          }

          @Override
          public void mouseExited(MouseEvent e) {
            hover(null);
          }
        };
    addMouseMotionListener(pointer);
    addMouseListener(pointer);
  }

  /**
   * Shows {@code style}'s syntax colours, or plain text while the document is larger than {@link
   * #PLAIN_ABOVE_CHARS}; the style is kept and comes back when the document is smaller again.
   */
  @Override
  public void setSyntaxEditingStyle(String style) {
    if (chosenSyntax == null) { // RSyntaxTextArea's own constructor
      super.setSyntaxEditingStyle(style);
      return;
    }
    chosenSyntax = style;
    applySize();
  }

  /**
   * Wraps long lines as chosen, except while the document is shown plain for its size: wrapping
   * measures every line's width at each layout, minutes of the event thread for tens of megabytes.
   */
  @Override
  public void setLineWrap(boolean wrap) {
    chosenWrap = wrap;
    super.setLineWrap(wrap && !plainForSize);
  }

  /** The word wrap chosen for the document, even while it is shown unwrapped for its size. */
  boolean chosenLineWrap() {
    return chosenWrap;
  }

  /** The syntax style chosen for the document, even while it is shown plain for its size. */
  String chosenSyntax() {
    return chosenSyntax;
  }

  /** True while the document is too large for syntax colours, folding and occurrence marks. */
  boolean plainForSize() {
    return plainForSize;
  }

  private void watchSize(javax.swing.text.Document doc) {
    doc.addDocumentListener(
        new javax.swing.event.DocumentListener() {
          @Override
          public void insertUpdate(javax.swing.event.DocumentEvent e) {
            sizeChanged(e.getDocument());
          }

          @Override
          public void removeUpdate(javax.swing.event.DocumentEvent e) {
            sizeChanged(e.getDocument());
          }

          @Override
          public void changedUpdate(javax.swing.event.DocumentEvent e) {}
        });
    applySize();
  }

  private void sizeChanged(javax.swing.text.Document doc) {
    if (doc == getDocument() && (doc.getLength() > PLAIN_ABOVE_CHARS) != plainForSize) {
      // Not while the document is notifying its listeners: the style change re-reads it.
      javax.swing.SwingUtilities.invokeLater(this::applySize);
    }
  }

  /**
   * Shows the text plain now if an edit about to be made leaves it {@code chars} long, above {@link
   * #PLAIN_ABOVE_CHARS}. The switch that follows a change comes after the event (see {@link
   * #sizeChanged}): a burst of edits in one event, a large document catching up in a window, would
   * otherwise be laid out wrapped and coloured, every line again at each edit.
   */
  void aboutToHold(long chars) {
    if (chosenSyntax != null && !plainForSize && chars > PLAIN_ABOVE_CHARS) {
      applyPlain(true);
    }
  }

  /** Replaces the text, shown plain from the start when it is large (before it is coloured). */
  @Override
  public void setText(String text) {
    if (chosenSyntax != null && text != null && text.length() > PLAIN_ABOVE_CHARS) {
      applyPlain(true);
    }
    super.setText(text);
  }

  private void applySize() {
    if (chosenSyntax != null) {
      applyPlain(getDocument().getLength() > PLAIN_ABOVE_CHARS);
    }
  }

  private void applyPlain(boolean plain) {
    plainForSize = plain;
    String style = plainForSize ? SYNTAX_STYLE_NONE : chosenSyntax;
    if (!style.equals(getSyntaxEditingStyle())) {
      super.setSyntaxEditingStyle(style);
    }
    setCodeFoldingEnabled(!plainForSize);
    setMarkOccurrences(!plainForSize);
    super.setLineWrap(chosenWrap && !plainForSize);
  }

  /**
   * Takes an empty document for the one shown, whose lines and text can then go: the window is
   * closing, and Swing may keep a closed window until another one takes the focus.
   */
  void dropText() {
    setDocument(createDefaultModel());
  }

  void bind(SessionBinding binding) {
    this.binding = binding;
    this.carets = List.of();
    flagUntil.clear();
    hovered = null;
    repaint();
  }

  SessionBinding binding() {
    return binding;
  }

  /** Collaborators to draw (positions in code points of the session's text). */
  void showPresences(Collection<RemotePresence> presences) {
    List<RemotePresence> before = carets;
    carets = List.copyOf(presences);
    Map<String, RemotePresence> was = new HashMap<>();
    before.forEach(p -> was.put(p.session(), p));
    long until = System.nanoTime() + FLAG_SHOWN_MILLIS * 1_000_000L;
    flagUntil.keySet().retainAll(carets.stream().map(RemotePresence::session).toList());
    for (RemotePresence p : carets) {
      RemotePresence old = was.get(p.session());
      if (old == null || !old.selection().equals(p.selection())) {
        flagUntil.put(p.session(), until);
      }
    }
    scheduleFlagTimer();
    // Only the lines where carets were and are: a whole repaint for every caret move of every
    // collaborator would hold up the painting of their edits.
    before.forEach(this::repaintAround);
    carets.forEach(this::repaintAround);
  }

  /** Repaints the lines {@code p}'s selection covers, and its name flag above or below. */
  private void repaintAround(RemotePresence p) {
    if (binding == null) {
      repaint();
      return;
    }
    int length = getDocument().getLength();
    try {
      Rectangle2D a = modelToView2D(Math.min(length, binding.toOffset(p.selection().start())));
      Rectangle2D b = modelToView2D(Math.min(length, binding.toOffset(p.selection().end())));
      if (a == null || b == null) {
        repaint();
        return;
      }
      int flag = getFontMetrics(getFont()).getAscent() + 3;
      int top = (int) Math.min(a.getY(), b.getY()) - flag;
      int bottom = (int) Math.ceil(Math.max(a.getMaxY(), b.getMaxY())) + flag;
      repaint(0, Math.max(0, top), getWidth(), bottom - Math.max(0, top));
    } catch (BadLocationException e) {
      repaint();
    }
  }

  List<RemotePresence> shownPresences() {
    return carets;
  }

  /** Whether {@code p}'s name flag is drawn now. */
  boolean flagShown(RemotePresence p) {
    Long until = flagUntil.get(p.session());
    return p.session().equals(hovered) || (until != null && until - System.nanoTime() > 0);
  }

  private void hideExpiredFlags() {
    long now = System.nanoTime();
    for (RemotePresence p : carets) {
      Long until = flagUntil.get(p.session());
      if (until != null && until - now <= 0) {
        flagUntil.remove(p.session());
        repaintAround(p);
      }
    }
    scheduleFlagTimer();
  }

  private void scheduleFlagTimer() {
    long now = System.nanoTime();
    if (flagUntil.isEmpty()) {
      flagTimer.stop();
      return;
    }
    long next = flagUntil.values().stream().mapToLong(u -> u - now).min().orElseThrow();
    flagTimer.setInitialDelay((int) Math.max(1, (next + 999_999) / 1_000_000));
    flagTimer.restart();
  }

  private void hover(RemotePresence p) {
    String session = p == null ? null : p.session();
    if (java.util.Objects.equals(session, hovered)) {
      return;
    }
    carets.stream().filter(c -> c.session().equals(hovered)).forEach(this::repaintAround);
    hovered = session;
    if (p != null) {
      repaintAround(p);
    }
  }

  /** The collaborator whose caret (give or take a few pixels) or flag is at {@code point}. */
  private RemotePresence presenceAt(java.awt.Point point) {
    for (RemotePresence p : carets) {
      Rectangle caret = Carets.rectangle(this, p);
      if (caret == null) {
        continue;
      }
      Rectangle near = new Rectangle(caret.x - 4, caret.y, caret.width + 8, caret.height);
      if (near.contains(point) || flag(caret, p.name()).contains(point)) {
        return p;
      }
    }
    return null;
  }

  @Override
  protected RUndoManager createUndoManager() {
    // Swing's undo records every change to the document, others' included; ours is in the binding.
    return new RUndoManager(this) {
      @Override
      public void undoableEditHappened(UndoableEditEvent e) {}
    };
  }

  @Override
  public boolean canUndo() {
    return binding != null && binding.canUndo();
  }

  @Override
  public boolean canRedo() {
    return binding != null && binding.canRedo();
  }

  @Override
  public void undoLastAction() {
    if (binding != null) {
      binding.undo();
    }
  }

  @Override
  public void redoLastAction() {
    if (binding != null) {
      binding.redo();
    }
  }

  /** Runs {@code r} once, just after the text is next painted (keep it short: it is in paint). */
  void whenPainted(Runnable r) {
    whenPainted = r;
    repaint();
  }

  @Override
  protected void paintComponent(Graphics g) {
    super.paintComponent(g);
    if (whenPainted != null) {
      Runnable r = whenPainted;
      whenPainted = null;
      r.run();
    }
    if (binding == null || carets.isEmpty()) {
      return;
    }
    Graphics2D g2 = (Graphics2D) g.create();
    try {
      g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g2.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      Rectangle clip = g2.getClipBounds();
      for (RemotePresence p : carets) {
        paintPresence(g2, p, clip);
      }
    } finally {
      g2.dispose();
    }
  }

  private void paintPresence(Graphics2D g, RemotePresence p, Rectangle clip) {
    Color colour = Colours.parse(p.colour());
    int length = getDocument().getLength();
    int start = Math.min(length, binding.toOffset(p.selection().start()));
    int end = Math.min(length, binding.toOffset(p.selection().end()));
    int head = Math.min(length, binding.toOffset(p.selection().head()));
    try {
      if (start < end) {
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.22f));
        g.setColor(colour);
        paintRange(g, start, end, clip);
        g.setComposite(AlphaComposite.SrcOver);
      }
      Rectangle2D r = modelToView2D(head);
      if (r == null) {
        return;
      }
      Rectangle flag = flag(r.getBounds(), p.name());
      if (clip != null && !clip.intersects(r.getBounds().union(flag))) {
        return;
      }
      int x = (int) r.getX();
      int y = (int) r.getY();
      int h = (int) r.getHeight();
      g.setColor(colour);
      g.fillRect(x - 1, y, 2, h);
      if (!flagShown(p)) {
        return;
      }
      // A small name flag above the caret, like the carets of shared documents people know.
      g.setFont(flagFont());
      g.fillRoundRect(flag.x, flag.y, flag.width, flag.height, 4, 4);
      g.setColor(Colours.readableOn(colour));
      g.drawString(p.name(), flag.x + 4, flag.y + g.getFontMetrics().getAscent());
    } catch (BadLocationException e) {
      // a caret outside the text (it is being updated): skip it this frame
    }
  }

  private Font flagFont() {
    return getFont().deriveFont(Font.BOLD, Math.max(9f, getFont().getSize2D() * 0.72f));
  }

  /**
   * Where {@code name}'s flag goes for a caret at {@code caret}: above it (below on the first
   * line), moved left when it would reach past the right edge of the view.
   */
  Rectangle flag(Rectangle caret, String name) {
    FontMetrics fm = getFontMetrics(flagFont());
    int w = fm.stringWidth(name) + 8;
    int fh = fm.getAscent() + 2;
    int fy = caret.y - fh >= 0 ? caret.y - fh : caret.y + caret.height;
    Rectangle view = getVisibleRect();
    int fx = Math.max(view.x, Math.min(caret.x - 1, view.x + view.width - w));
    return new Rectangle(fx, fy, w, fh);
  }

  /** Fills the rectangles a text range covers, line by line. */
  private void paintRange(Graphics2D g, int start, int end, Rectangle clip)
      throws BadLocationException {
    int firstLine = getLineOfOffset(start);
    int lastLine = getLineOfOffset(end);
    for (int line = firstLine; line <= lastLine; line++) {
      int from = Math.max(start, getLineStartOffset(line));
      int to = Math.min(end, Math.max(from, getLineEndOffset(line) - 1));
      Rectangle2D a = modelToView2D(from);
      Rectangle2D b = modelToView2D(to);
      if (a == null || b == null) {
        continue;
      }
      int width = (int) (b.getX() - a.getX());
      if (line < lastLine) {
        width += getFontMetrics(getFont()).charWidth(' '); // show the selected line break
      }
      Rectangle box = new Rectangle((int) a.getX(), (int) a.getY(), width, (int) a.getHeight());
      if (clip == null || clip.intersects(box)) {
        g.fill(box);
      }
    }
  }
}
