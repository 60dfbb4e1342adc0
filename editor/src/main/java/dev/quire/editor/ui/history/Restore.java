package dev.quire.editor.ui.history;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * "Restore this revision": one new edit that turns the current text into an old revision's text.
 * The log is never rewritten; the restore is an ordinary local edit, synced like any other.
 *
 * <p>The edit changes only what differs (a Myers diff, by lines and then by characters within the
 * changed lines), so text that is the same in both keeps its authors, and the carets and selections
 * of everyone working in it stay where they are.
 */
final class Restore {
  /** Past this many lines on either side, the changed middle is replaced whole: Myers is O(ND). */
  static final int MAX_DIFF_LINES = 5_000;

  /** Past this many code points on either side, changed lines are replaced whole. */
  static final int MAX_DIFF_CHARS = 4_000;

  private Restore() {}

  /**
   * Replaces {@code deleted} code points at {@code position} of the current text by {@code
   * inserted}.
   */
  record Hunk(int position, int deleted, String inserted) {
    int insertedCodePoints() {
      return inserted.codePointCount(0, inserted.length());
    }
  }

  /**
   * The change from a text of {@code length} code points to another: hunks in text order, at
   * positions in the text before the change, never overlapping or touching.
   */
  record Change(int length, List<Hunk> hunks) {
    Change {
      hunks = List.copyOf(hunks);
    }

    TextOperation operation() {
      TextOperation.Builder b = TextOperation.builder();
      int at = 0;
      for (Hunk h : hunks) {
        b.retain(h.position() - at).delete(h.deleted()).insert(h.inserted());
        at = h.position() + h.deleted();
      }
      return b.retain(length - at).build();
    }

    boolean isEmpty() {
      return hunks.isEmpty();
    }

    int insertedCodePoints() {
      return hunks.stream().mapToInt(Hunk::insertedCodePoints).sum();
    }
  }

  /**
   * The change from {@code current} to {@code target}: only the code points that differ. Positions
   * count code points; a surrogate pair is never split.
   */
  static Change change(String current, String target) {
    Objects.requireNonNull(current, "current == null");
    Objects.requireNonNull(target, "target == null");
    int[] from = current.codePoints().toArray();
    int[] to = target.codePoints().toArray();
    int prefix = 0;
    while (prefix < from.length && prefix < to.length && from[prefix] == to[prefix]) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < from.length - prefix
        && suffix < to.length - prefix
        && from[from.length - 1 - suffix] == to[to.length - 1 - suffix]) {
      suffix++;
    }
    List<Hunk> hunks = new ArrayList<>();
    if (prefix + suffix < Math.max(from.length, to.length)) {
      byLines(
          slice(from, prefix, from.length - suffix),
          slice(to, prefix, to.length - suffix),
          prefix,
          hunks);
    }
    return new Change(from.length, hunks);
  }

  /**
   * Hunks turning {@code from} into {@code to}, at {@code offset}: lines first, then characters.
   */
  private static void byLines(List<Integer> from, List<Integer> to, int offset, List<Hunk> out) {
    List<List<Integer>> a = lines(from);
    List<List<Integer>> b = lines(to);
    if (a.size() > MAX_DIFF_LINES || b.size() > MAX_DIFF_LINES) {
      out.add(hunk(offset, from.size(), to));
      return;
    }
    int[] aStarts = starts(a);
    int[] bStarts = starts(b);
    for (AbstractDelta<List<Integer>> d : DiffUtils.diff(a, b).getDeltas()) {
      int sp = d.getSource().getPosition();
      int tp = d.getTarget().getPosition();
      List<Integer> removed = from.subList(aStarts[sp], aStarts[sp + d.getSource().size()]);
      List<Integer> added = to.subList(bStarts[tp], bStarts[tp + d.getTarget().size()]);
      byCharacters(removed, added, offset + aStarts[sp], out);
    }
  }

  private static void byCharacters(
      List<Integer> from, List<Integer> to, int offset, List<Hunk> out) {
    if (from.isEmpty()
        || to.isEmpty()
        || from.size() > MAX_DIFF_CHARS
        || to.size() > MAX_DIFF_CHARS) {
      out.add(hunk(offset, from.size(), to));
      return;
    }
    for (AbstractDelta<Integer> d : DiffUtils.diff(from, to).getDeltas()) {
      out.add(
          hunk(
              offset + d.getSource().getPosition(),
              d.getSource().size(),
              d.getTarget().getLines()));
    }
  }

  private static Hunk hunk(int position, int deleted, List<Integer> inserted) {
    StringBuilder s = new StringBuilder();
    inserted.forEach(s::appendCodePoint);
    return new Hunk(position, deleted, s.toString());
  }

  /** The code points split after each line feed; the last line may have none. */
  private static List<List<Integer>> lines(List<Integer> cps) {
    List<List<Integer>> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cps.size(); i++) {
      if (cps.get(i) == '\n') {
        lines.add(cps.subList(start, i + 1));
        start = i + 1;
      }
    }
    if (start < cps.size()) {
      lines.add(cps.subList(start, cps.size()));
    }
    return lines;
  }

  /** Where each line starts, and one past the last line's end. */
  private static int[] starts(List<List<Integer>> lines) {
    int[] starts = new int[lines.size() + 1];
    for (int i = 0; i < lines.size(); i++) {
      starts[i + 1] = starts[i] + lines.get(i).size();
    }
    return starts;
  }

  private static List<Integer> slice(int[] cps, int from, int to) {
    List<Integer> s = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      s.add(cps[i]);
    }
    return s;
  }

  /**
   * Makes {@code session}'s text equal to {@code target} with one edit. Only when the change
   * inserts more than {@link DocumentSession#MAX_INSERT} code points does it go as several edits
   * (one or more per hunk, the last hunk first), because the relay refuses oversized messages.
   * Owner thread only.
   *
   * @return false when the text already was {@code target}; nothing is changed then
   */
  static boolean apply(DocumentSession session, String target) {
    Change c = change(session.text(), target);
    if (c.isEmpty()) {
      return false;
    }
    if (c.insertedCodePoints() <= DocumentSession.MAX_INSERT) {
      session.edit(c.operation());
    } else {
      for (int i = c.hunks().size() - 1; i >= 0; i--) { // from the end: earlier positions hold
        Hunk h = c.hunks().get(i);
        session.splice(h.position(), h.deleted(), h.inserted());
      }
    }
    return true;
  }
}
