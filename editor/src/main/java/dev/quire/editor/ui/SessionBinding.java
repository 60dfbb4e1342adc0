package dev.quire.editor.ui;

import dev.quire.editor.sync.DocumentListener;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.RemotePresence;
import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.UndoStack;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javax.swing.JViewport;
import javax.swing.SwingUtilities;
import javax.swing.event.CaretListener;
import javax.swing.text.AbstractDocument;
import javax.swing.text.AttributeSet;
import javax.swing.text.BadLocationException;
import javax.swing.text.DocumentFilter;
import javax.swing.text.Segment;
import javax.swing.text.StyleConstants;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;

/**
 * Binds a {@link DocumentSession} to a text area: the user's changes to the Swing document become
 * the session's edits (in code points), and the session's remote edits change the Swing document
 * without being sent back or entering the user's undo history.
 *
 * <p>Every change to the Swing document passes a {@link DocumentFilter}, so typing, paste, drag and
 * drop, find-and-replace and actions of any kind are caught in one place, with the text they remove
 * still readable. Text an input method is still composing is not sent: it is held in the view until
 * committed, and remote edits wait until then (a composition lasts a few keystrokes).
 *
 * <p>Swing counts UTF-16 units and the engine counts code points; a {@link SurrogateIndex} of where
 * the text's surrogate pairs are converts between them without reading the text.
 *
 * <p>Event thread only, like the session.
 */
public final class SessionBinding {
  /** Typing continued within this long joins the previous undo step. */
  private static final long MERGE_MILLIS = 1000;

  private final DocumentSession session;
  private final RSyntaxTextArea area;
  private final AbstractDocument doc;
  private final UndoStack undo = new UndoStack(1000);
  private final List<TextOperation> deferred = new ArrayList<>();
  private final Consumer<String> problems;
  private final DocumentListener sessionListener;
  private final CaretListener caretListener;
  private boolean applying; // changing the Swing document ourselves: let it through unsent
  private boolean sending; // inside session.edit for a change made here
  private final SurrogateIndex pairs = new SurrogateIndex();
  private int composedStart = -1; // the input method's uncommitted text, in chars
  private int composedEnd = -1;
  private long lastTypedAt;
  private int lastTypedEnd = -1;
  private LongConsumer remoteApplied = nanos -> {};
  private String highHalf; // a typed high surrogate waiting for its low half
  private int highHalfAt;
  private boolean grouping; // several changes that undo as one step (replace all)
  private boolean groupStarted;

  /**
   * @param problems told, in words for the user, when an edit cannot be made
   */
  public SessionBinding(DocumentSession session, RSyntaxTextArea area, Consumer<String> problems) {
    this.session = Objects.requireNonNull(session, "session == null");
    this.area = Objects.requireNonNull(area, "area == null");
    this.problems = Objects.requireNonNull(problems, "problems == null");
    this.refusedTyping = problems;
    this.doc = (AbstractDocument) area.getDocument();
    load(session.text());
    doc.setDocumentFilter(new Filter());
    sessionListener =
        new DocumentListener() {
          @Override
          public void remoteEdit(TextOperation op) {
            applyOther(op, true);
          }

          @Override
          public void localEdit(TextOperation op) {
            if (!sending) {
              applyOther(op, false); // an edit made elsewhere, e.g. a restored revision
            }
          }

          @Override
          public void roleChanged(dev.quire.ot.protocol.Role role) {
            area.setEditable(!session.readOnly());
          }
        };
    session.addListener(sessionListener);
    area.setEditable(!session.readOnly());
    area.addKeyListener(readOnlyKeys);
    caretListener = e -> announceSelection();
    area.addCaretListener(caretListener);
    announceSelection(); // others see where we are from the start, not from the first move
  }

  public DocumentSession session() {
    return session;
  }

  private Consumer<String> refusedTyping; // where typing into a viewer's text is refused, in words

  /** Where to say that typing is refused because the user may only read (default: the problems). */
  public void onRefusedTyping(Consumer<String> c) {
    refusedTyping = Objects.requireNonNull(c, "c == null");
  }

  // A viewer's text area is not editable, so typing reaches no filter: say why nothing happens.
  private final java.awt.event.KeyListener readOnlyKeys =
      new java.awt.event.KeyAdapter() {
        @Override
        public void keyTyped(java.awt.event.KeyEvent e) {
          char c = e.getKeyChar();
          boolean text = c != java.awt.event.KeyEvent.CHAR_UNDEFINED && !e.isControlDown();
          if (text && session.readOnly()) {
            refusedTyping.accept(DocumentSession.READ_ONLY);
          }
        }
      };

  /** Stops listening; the text area keeps its text. */
  public void dispose() {
    session.removeListener(sessionListener);
    area.removeCaretListener(caretListener);
    area.removeKeyListener(readOnlyKeys);
    area.setEditable(true);
    doc.setDocumentFilter(null);
  }

  public boolean canUndo() {
    return undo.canUndo();
  }

  public boolean canRedo() {
    return undo.canRedo();
  }

  /** Undoes the user's own latest step, leaving everyone else's edits in place. */
  public void undo() {
    if (undo.canUndo()) {
      applyOwnStep(undo.peekUndo(), true);
    }
  }

  public void redo() {
    if (undo.canRedo()) {
      applyOwnStep(undo.peekRedo(), false);
    }
  }

  /** Runs {@code changes} to the text so that one undo takes all of them back. */
  public void asOneUndoStep(Runnable changes) {
    grouping = true;
    groupStarted = false;
    try {
      changes.run();
    } finally {
      grouping = false;
      lastTypedEnd = -1;
    }
  }

  /** Code points before char offset {@code offset} of the view's text (composed text excluded). */
  public int toCodePoint(int offset) {
    int cps = pairs.toCodePoint(offset);
    if (composedStart >= 0 && offset > composedStart) {
      int end = Math.min(offset, composedEnd);
      cps -= pairs.toCodePoint(end) - pairs.toCodePoint(composedStart);
    }
    return cps;
  }

  /** The char offset in the view of code point {@code cp} of the session's text. */
  public int toOffset(int cp) {
    if (composedStart >= 0) {
      int composedAt = pairs.toCodePoint(composedStart);
      if (cp > composedAt) {
        return pairs.toOffset(cp + pairs.toCodePoint(composedEnd) - composedAt);
      }
    }
    return pairs.toOffset(cp);
  }

  /** Collaborators' carets in view offsets, for drawing. */
  public Map<String, RemotePresence> presences() {
    return session.presences();
  }

  // ---- the session's text into the view ----

  private void load(String text) {
    applying = true;
    try {
      area.setText(text);
    } finally {
      applying = false;
    }
    pairs.reset(text);
    area.setCaretPosition(0);
    undo.clear();
  }

  /**
   * Applies an edit that is already in the session's text: someone else's ({@code remote}), or a
   * local one made elsewhere. Keeps the user's caret, selection and scroll position on the text
   * they were on.
   */
  private void applyOther(TextOperation op, boolean remote) {
    if (composedStart >= 0) {
      deferred.add(op); // applied once the input method commits
      return;
    }
    long start = System.nanoTime();
    Selection before = selectionInCodePoints();
    ScrollAnchor anchor = ScrollAnchor.capture(this);
    // The view still has the text before op: the inverse of a local edit is read from it.
    TextOperation inverse = remote ? null : invertOnView(op);
    applyToView(op);
    if (remote) {
      undo.otherEdit(op);
    } else {
      undo.ownEdit(inverse, false);
    }
    Selection after = before.transform(op, false);
    select(after);
    if (anchor != null) {
      anchor.restore(this, op);
    }
    if (remote) {
      remoteApplied.accept(System.nanoTime() - start);
    }
  }

  /** Told how long each remote edit took to apply to the view, in nanoseconds (benchmarks). */
  void onRemoteApplied(LongConsumer timer) {
    this.remoteApplied = Objects.requireNonNull(timer, "timer == null");
  }

  private void applyOwnStep(TextOperation op, boolean isUndo) {
    // The inverse of this step needs the text it removes: read it before changing anything.
    TextOperation inverse = invertOnView(op);
    try {
      sending = true;
      session.edit(op);
    } catch (RuntimeException e) {
      problems.accept(e.getMessage());
      return;
    } finally {
      sending = false;
    }
    applyToView(op);
    if (isUndo) {
      undo.undone(inverse);
    } else {
      undo.redone(inverse);
    }
    lastTypedEnd = -1;
    int caret = caretAfter(op);
    select(Selection.caret(caret));
  }

  /** Applies {@code op}, already in the session, to the Swing document. */
  private void applyToView(TextOperation op) {
    if (area instanceof QuireTextArea quire) {
      long inserted = 0;
      for (Component c : op.components()) {
        if (c instanceof Component.Insert ins) {
          inserted += ins.text().length();
        }
      }
      quire.aboutToHold(doc.getLength() + inserted);
    }
    applyToView(op, doc::insertString, doc::remove);
  }

  /** Changes to the Swing document: through it, or through a filter's bypass inside the filter. */
  private interface Inserter {
    void insert(int offset, String text, AttributeSet attrs) throws BadLocationException;
  }

  private interface Remover {
    void remove(int offset, int length) throws BadLocationException;
  }

  private void applyToView(TextOperation op, Inserter inserter, Remover remover) {
    applying = true;
    try {
      int offset = 0;
      for (Component c : op.components()) {
        if (c instanceof Component.Retain r) {
          offset += charsFrom(offset, r.count());
        } else if (c instanceof Component.Insert ins) {
          inserter.insert(offset, ins.text(), null);
          pairs.inserted(offset, ins.text());
          offset += ins.text().length();
        } else if (c instanceof Component.Delete d) {
          int chars = charsFrom(offset, d.count());
          remover.remove(offset, chars);
          pairs.removed(offset, chars);
        }
      }
    } catch (BadLocationException e) {
      // The view no longer matches the session: reload rather than show wrong text.
      load(session.text());
      problems.accept("the view was out of step with the document and was reloaded");
    } finally {
      applying = false;
    }
  }

  /** The inverse of {@code op} on the view's current text (which equals the session's). */
  private TextOperation invertOnView(TextOperation op) {
    TextOperation.Builder b = TextOperation.builder();
    int offset = 0;
    for (Component c : op.components()) {
      if (c instanceof Component.Retain r) {
        offset += charsFrom(offset, r.count());
        b.retain(r.count());
      } else if (c instanceof Component.Insert ins) {
        b.delete(ins.length());
      } else if (c instanceof Component.Delete d) {
        int chars = charsFrom(offset, d.count());
        b.insert(text(offset, chars).toString());
        offset += chars;
      }
    }
    return b.build();
  }

  private static int caretAfter(TextOperation op) {
    int pos = 0;
    int caret = 0;
    for (Component c : op.components()) {
      if (c instanceof Component.Retain r) {
        pos += r.count();
      } else if (c instanceof Component.Insert ins) {
        pos += ins.length();
        caret = pos;
      } else {
        caret = pos;
      }
    }
    return caret;
  }

  // ---- the view's changes into the session ----

  private final class Filter extends DocumentFilter {
    @Override
    public void insertString(FilterBypass fb, int offset, String text, AttributeSet attrs)
        throws BadLocationException {
      replace(fb, offset, 0, text, attrs);
    }

    @Override
    public void remove(FilterBypass fb, int offset, int length) throws BadLocationException {
      replace(fb, offset, length, "", null);
    }

    @Override
    public void replace(FilterBypass fb, int offset, int length, String text, AttributeSet attrs)
        throws BadLocationException {
      String insert = text == null ? "" : text;
      if (applying) {
        fb.replace(offset, length, insert, attrs);
        return;
      }
      if (isComposed(attrs) || insideComposition(offset, length)) {
        compose(fb, offset, length, insert, attrs);
        return;
      }
      if (!deferred.isEmpty()) {
        // Others' edits held back during a composition are already in the session: bring the view
        // to the same text first, and move this change's range through them.
        Selection range = new Selection(toCodePoint(offset), toCodePoint(offset + length));
        for (TextOperation op : deferred) {
          applyToView(op, fb::insertString, fb::remove);
          undo.otherEdit(op);
          range = range.transform(op, false);
        }
        deferred.clear();
        offset = toOffset(range.start());
        length = toOffset(range.end()) - offset;
      }
      // Some platforms type a character outside the basic plane as two key events, one half each:
      // hold the first half until the second arrives, so only whole characters are sent.
      if (length == 0 && insert.length() == 1 && Character.isHighSurrogate(insert.charAt(0))) {
        highHalf = insert;
        highHalfAt = offset;
        return;
      }
      if (highHalf != null) {
        if (length == 0
            && offset == highHalfAt
            && !insert.isEmpty()
            && Character.isLowSurrogate(insert.charAt(0))) {
          insert = highHalf + insert;
        }
        highHalf = null;
      }
      // Never split a surrogate pair: widen the range to whole code points.
      if (!pairs.isEmpty()) {
        int end = offset + length;
        if (length > 0 && isLowSurrogateAt(offset) && isHighSurrogateAt(offset - 1)) {
          offset--;
        }
        if (length > 0 && isLowSurrogateAt(end) && isHighSurrogateAt(end - 1)) {
          end++;
        }
        length = end - offset;
      }
      Segment removed = text(offset, length);
      String removedText = removed.toString();
      int position = toCodePoint(offset);
      int deleted = removedText.codePointCount(0, removedText.length());
      int before = session.length();
      try {
        sending = true;
        session.splice(position, deleted, insert);
      } catch (RuntimeException e) {
        problems.accept(e.getMessage());
        return; // the view stays as the session is
      } finally {
        sending = false;
      }
      // The index first: replacing moves the caret, whose listener converts its offset with it.
      pairs.removed(offset, length);
      pairs.inserted(offset, insert);
      fb.replace(offset, length, insert, attrs);
      int inserted = insert.codePointCount(0, insert.length());
      TextOperation inverse =
          TextOperation.splice(before - deleted + inserted, position, inserted, removedText);
      long now = System.currentTimeMillis();
      // One character typed, over a selection or not, starts or continues a run of typing; the
      // run undoes as one step, so typing over a selection takes back the replaced text with it.
      boolean typing = inserted == 1 && !insert.equals("\n");
      boolean merge =
          grouping
              ? groupStarted
              : typing
                  && deleted == 0
                  && position == lastTypedEnd
                  && now - lastTypedAt < MERGE_MILLIS;
      groupStarted = grouping;
      undo.ownEdit(inverse, merge);
      lastTypedEnd = typing ? position + 1 : -1;
      lastTypedAt = now;
    }
  }

  private static boolean isComposed(AttributeSet attrs) {
    return attrs != null && attrs.getAttribute(StyleConstants.ComposedTextAttribute) != null;
  }

  private boolean insideComposition(int offset, int length) {
    return composedStart >= 0
        && offset >= composedStart
        && offset + length <= composedEnd
        && length > 0;
  }

  /** Input-method text being composed: shown, not sent; the commit arrives as a plain insert. */
  private void compose(
      DocumentFilter.FilterBypass fb, int offset, int length, String insert, AttributeSet attrs)
      throws BadLocationException {
    applying = true;
    try {
      fb.replace(offset, length, insert, attrs);
    } finally {
      applying = false;
    }
    pairs.removed(offset, length);
    pairs.inserted(offset, insert);
    if (composedStart < 0) {
      composedStart = offset;
      composedEnd = offset;
    }
    composedEnd += insert.length() - length;
    if (composedEnd <= composedStart) {
      composedStart = -1;
      composedEnd = -1;
      // The committed text usually follows at once and takes the waiting edits in first (see the
      // filter); if nothing follows, they are applied just after.
      SwingUtilities.invokeLater(this::applyDeferred);
    }
  }

  private void applyDeferred() {
    if (composedStart >= 0) {
      return;
    }
    List<TextOperation> waiting = new ArrayList<>(deferred);
    deferred.clear();
    waiting.forEach(op -> applyOther(op, true));
  }

  // ---- carets ----

  private void announceSelection() {
    if (applying) {
      return;
    }
    session.setSelection(selectionInCodePoints());
  }

  Selection selectionInCodePoints() {
    return new Selection(
        toCodePoint(area.getCaret().getMark()), toCodePoint(area.getCaret().getDot()));
  }

  private void select(Selection s) {
    int length = doc.getLength();
    int mark = Math.min(length, toOffset(s.anchor()));
    int dot = Math.min(length, toOffset(s.head()));
    applying = true; // moving the caret here is not the user's doing: no announce
    try {
      area.getCaret().setDot(mark);
      area.getCaret().moveDot(dot);
    } finally {
      applying = false;
    }
    session.setSelection(s);
  }

  // ---- text access in chars ----

  private Segment text(int offset, int length) {
    Segment s = new Segment();
    try {
      doc.getText(offset, length, s);
    } catch (BadLocationException e) {
      throw new IllegalStateException("offset " + offset + "+" + length + " outside the text", e);
    }
    return s;
  }

  /** How many chars the {@code cps} code points starting at char {@code offset} take. */
  private int charsFrom(int offset, int cps) {
    if (pairs.isEmpty()) {
      return cps;
    }
    return pairs.toOffset(pairs.toCodePoint(offset) + cps) - offset;
  }

  private boolean isLowSurrogateAt(int offset) {
    return offset >= 0
        && offset < doc.getLength()
        && Character.isLowSurrogate(text(offset, 1).charAt(0));
  }

  private boolean isHighSurrogateAt(int offset) {
    return offset >= 0
        && offset < doc.getLength()
        && Character.isHighSurrogate(text(offset, 1).charAt(0));
  }

  /**
   * Where the viewport's top edge is in the text, so that text inserted or removed above it by
   * someone else does not move what the user is reading.
   */
  private record ScrollAnchor(int codePoint, int pixelsAbove) {
    static ScrollAnchor capture(SessionBinding b) {
      if (!(SwingUtilities.getAncestorOfClass(JViewport.class, b.area) instanceof JViewport v)) {
        return null;
      }
      Point top = v.getViewPosition();
      int offset = b.area.viewToModel2D(top);
      try {
        Rectangle2D r = b.area.modelToView2D(offset);
        if (r == null) {
          return null;
        }
        return new ScrollAnchor(b.toCodePoint(offset), top.y - (int) r.getY());
      } catch (BadLocationException e) {
        return null;
      }
    }

    void restore(SessionBinding b, TextOperation op) {
      if (!(SwingUtilities.getAncestorOfClass(JViewport.class, b.area) instanceof JViewport v)) {
        return;
      }
      int moved = Selection.caret(codePoint).transform(op, false).head();
      try {
        Rectangle2D r = b.area.modelToView2D(b.toOffset(moved));
        if (r == null) {
          return;
        }
        int y = Math.max(0, (int) r.getY() + pixelsAbove);
        Rectangle view = v.getViewRect();
        int maxY = Math.max(0, b.area.getHeight() - view.height);
        v.setViewPosition(new Point(view.x, Math.min(y, maxY)));
      } catch (BadLocationException e) {
        // leave the scroll position as Swing put it
      }
    }
  }
}
