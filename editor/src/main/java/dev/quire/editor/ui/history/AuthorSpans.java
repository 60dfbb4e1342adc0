package dev.quire.editor.ui.history;

import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.TextOperation;
import java.util.Arrays;

/**
 * The author of each character, kept up to date as operations are applied: runs of (length, author)
 * in a gap buffer of runs. Like {@link dev.quire.ot.text.GapBuffer}, an edit costs the number of
 * runs between it and the previous edit, not the document's length, so replaying a long history of
 * typing stays linear. Not thread-safe.
 */
final class AuthorSpans {
  private int[] len;
  private int[] who;
  private int gapStart; // runs [0, gapStart) are before the gap
  private int gapEnd; // runs [gapEnd, len.length) are after it
  private int before; // code points in the runs before the gap
  private int length;

  AuthorSpans() {
    this(Attribution.EMPTY);
  }

  /** Starts from a snapshot, for example one cached every thousand revisions. */
  AuthorSpans(Attribution from) {
    int n = from.runCount();
    len = new int[Math.max(16, n + n / 2)];
    who = new int[len.length];
    for (int i = 0; i < n; i++) {
      len[i] = from.runLength(i);
      who[i] = from.runAuthor(i);
    }
    gapStart = n;
    gapEnd = len.length;
    before = from.length();
    length = from.length();
  }

  int length() {
    return length;
  }

  /**
   * Applies {@code op}, every character it inserts being written by {@code author}.
   *
   * @throws IllegalArgumentException when the operation's base length is not this text's length
   */
  void apply(TextOperation op, int author) {
    if (op.baseLength() != length) {
      throw new IllegalArgumentException(
          "operation's base length " + op.baseLength() + " is not the text's length " + length);
    }
    if (author < 0) {
      throw new IllegalArgumentException("author index " + author);
    }
    int position = 0;
    for (int k = 0, n = op.componentCount(); k < n; k++) {
      Component c = op.component(k);
      if (c instanceof Component.Retain) {
        position += c.length();
      } else if (c instanceof Component.Insert) {
        moveTo(position);
        pushBefore(c.length(), author);
        length += c.length();
        position += c.length();
      } else {
        moveTo(position);
        delete(c.length());
      }
    }
  }

  /** The current attribution, with adjacent runs of one author merged. */
  Attribution snapshot() {
    int total = gapStart + (len.length - gapEnd);
    int[] l = new int[total];
    int[] w = new int[total];
    int n = copyMerged(0, gapStart, l, w, 0);
    n = copyMerged(gapEnd, len.length, l, w, n);
    return new Attribution(Arrays.copyOf(l, n), Arrays.copyOf(w, n));
  }

  private int copyMerged(int from, int to, int[] l, int[] w, int n) {
    for (int i = from; i < to; i++) {
      if (n > 0 && w[n - 1] == who[i]) {
        l[n - 1] += len[i];
      } else {
        l[n] = len[i];
        w[n] = who[i];
        n++;
      }
    }
    return n;
  }

  /** Moves the gap to code point {@code position}, splitting the run that holds it. */
  private void moveTo(int position) {
    while (position < before) {
      gapStart--;
      int l = len[gapStart];
      int w = who[gapStart];
      before -= l;
      pushAfter(l, w);
    }
    while (gapEnd < len.length && position >= before + len[gapEnd]) {
      int l = len[gapEnd];
      int w = who[gapEnd];
      gapEnd++;
      pushBefore(l, w);
    }
    if (position > before) {
      int k = position - before;
      len[gapEnd] -= k;
      pushBefore(k, who[gapEnd]);
    }
  }

  /** Removes {@code count} code points just after the gap. */
  private void delete(int count) {
    length -= count;
    while (count > 0) {
      int l = len[gapEnd];
      if (l <= count) {
        count -= l;
        gapEnd++;
      } else {
        len[gapEnd] = l - count;
        count = 0;
      }
    }
  }

  private void pushBefore(int l, int w) {
    before += l;
    if (gapStart > 0 && who[gapStart - 1] == w) {
      len[gapStart - 1] += l;
      return;
    }
    ensureGap();
    len[gapStart] = l;
    who[gapStart] = w;
    gapStart++;
  }

  private void pushAfter(int l, int w) {
    if (gapEnd < len.length && who[gapEnd] == w) {
      len[gapEnd] += l;
      return;
    }
    ensureGap();
    gapEnd--;
    len[gapEnd] = l;
    who[gapEnd] = w;
  }

  private void ensureGap() {
    if (gapStart < gapEnd) {
      return;
    }
    int after = len.length - gapEnd;
    int capacity = len.length * 2;
    int[] l = Arrays.copyOf(len, capacity);
    int[] w = Arrays.copyOf(who, capacity);
    System.arraycopy(len, gapEnd, l, capacity - after, after);
    System.arraycopy(who, gapEnd, w, capacity - after, after);
    len = l;
    who = w;
    gapEnd = capacity - after;
  }
}
