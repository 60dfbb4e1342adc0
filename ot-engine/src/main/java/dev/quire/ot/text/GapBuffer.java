package dev.quire.ot.text;

import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.OperationMismatchException;
import dev.quire.ot.operation.TextOperation;

/**
 * A mutable text addressed by code points, stored as UTF-16 in one array with a gap at the last
 * edit. Editing near the previous edit, which is what typing does, costs only the distance moved
 * plus the text inserted, never the document's length (see docs/adr/0002-gap-buffer.md).
 *
 * <p>Code-point positions equal UTF-16 positions while the text holds no surrogate pair, which is
 * tracked, so plain text never needs a scan. With astral characters present, positions are found by
 * walking from the gap, which again costs the distance from the previous edit.
 *
 * <p>Not thread-safe.
 */
public final class GapBuffer {
  private static final int MIN_CAPACITY = 16;

  private char[] buf;
  private int gapStart; // UTF-16 index where the gap starts
  private int gapEnd; // UTF-16 index just after the gap
  private int gapStartCp; // code points before the gap
  private int length; // code points in the text
  private int pairs; // surrogate pairs in the text

  public GapBuffer() {
    this("");
  }

  public GapBuffer(String initial) {
    CodePoints.requireWellFormed(initial);
    int n = initial.length();
    buf = new char[Math.max(MIN_CAPACITY, n + n / 2)];
    initial.getChars(0, n, buf, 0);
    gapStart = n;
    gapEnd = buf.length;
    length = CodePoints.count(initial);
    gapStartCp = length;
    pairs = n - length;
  }

  /** Length in code points. */
  public int length() {
    return length;
  }

  /** Length in UTF-16 units. */
  public int charLength() {
    return buf.length - (gapEnd - gapStart);
  }

  /**
   * Applies {@code op}, which must have this text's length as its base length.
   *
   * @throws OperationMismatchException when it does not; the text is then unchanged
   */
  public void apply(TextOperation op) {
    if (op.baseLength() != length) {
      throw new OperationMismatchException(
          "operation's base length "
              + op.baseLength()
              + " does not match the buffer's length "
              + length);
    }
    int position = 0;
    for (int k = 0, n = op.componentCount(); k < n; k++) {
      Component c = op.component(k);
      if (c instanceof Component.Retain) {
        position += c.length();
      } else if (c instanceof Component.Insert i) {
        insert(position, i.text(), i.length());
        position += i.length();
      } else {
        delete(position, c.length());
      }
    }
  }

  /** Inserts {@code text} before code point {@code position}. */
  public void insert(int position, String text) {
    CodePoints.requireWellFormed(text);
    checkRange(position, 0);
    insert(position, text, CodePoints.count(text));
  }

  /** Deletes {@code count} code points starting at {@code position}. */
  public void delete(int position, int count) {
    checkRange(position, count);
    moveGapTo(position);
    if (pairs == 0) {
      gapEnd += count;
    } else {
      for (int i = 0; i < count; i++) {
        if (Character.isHighSurrogate(buf[gapEnd])
            && gapEnd + 1 < buf.length
            && Character.isLowSurrogate(buf[gapEnd + 1])) {
          gapEnd++;
          pairs--;
        }
        gapEnd++;
      }
    }
    length -= count;
  }

  /** The text from code point {@code from} (inclusive) to {@code to} (exclusive). */
  public String substring(int from, int to) {
    if (from < 0 || to < from || to > length) {
      throw new IndexOutOfBoundsException(
          "range [" + from + ", " + to + ") outside a text of " + length + " code points");
    }
    String all = toString();
    return pairs == 0
        ? all.substring(from, to)
        : all.substring(all.offsetByCodePoints(0, from), all.offsetByCodePoints(0, to));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(charLength());
    sb.append(buf, 0, gapStart);
    sb.append(buf, gapEnd, buf.length - gapEnd);
    return sb.toString();
  }

  private void insert(int position, String text, int codePoints) {
    moveGapTo(position);
    int n = text.length();
    if (gapEnd - gapStart < n) {
      grow(n);
    }
    text.getChars(0, n, buf, gapStart);
    gapStart += n;
    gapStartCp += codePoints;
    length += codePoints;
    pairs += n - codePoints;
  }

  private void moveGapTo(int cp) {
    if (pairs == 0) {
      moveGapToChar(cp);
      gapStartCp = cp;
      return;
    }
    // Count how many chars the code points to move take, then move them in one copy.
    if (gapStartCp < cp) {
      int i = gapEnd;
      for (int n = gapStartCp; n < cp; n++) {
        i += Character.isHighSurrogate(buf[i]) ? 2 : 1;
      }
      int chars = i - gapEnd;
      System.arraycopy(buf, gapEnd, buf, gapStart, chars);
      gapStart += chars;
      gapEnd += chars;
    } else if (gapStartCp > cp) {
      int i = gapStart;
      for (int n = gapStartCp; n > cp; n--) {
        i -= Character.isLowSurrogate(buf[i - 1]) ? 2 : 1;
      }
      int chars = gapStart - i;
      gapStart -= chars;
      gapEnd -= chars;
      System.arraycopy(buf, gapStart, buf, gapEnd, chars);
    }
    gapStartCp = cp;
  }

  private void moveGapToChar(int index) {
    if (index < gapStart) {
      int n = gapStart - index;
      System.arraycopy(buf, index, buf, gapEnd - n, n);
      gapStart = index;
      gapEnd -= n;
    } else if (index > gapStart) {
      int n = index - gapStart;
      System.arraycopy(buf, gapEnd, buf, gapStart, n);
      gapStart = index;
      gapEnd += n;
    }
  }

  private void grow(int needed) {
    int used = charLength();
    int capacity = Math.max(MIN_CAPACITY, Math.max(used + needed, buf.length * 2));
    char[] bigger = new char[capacity];
    int after = buf.length - gapEnd;
    System.arraycopy(buf, 0, bigger, 0, gapStart);
    System.arraycopy(buf, gapEnd, bigger, capacity - after, after);
    buf = bigger;
    gapEnd = capacity - after;
  }

  private void checkRange(int position, int count) {
    if (position < 0 || count < 0 || position > length - count) {
      throw new IndexOutOfBoundsException(
          "range at "
              + position
              + " of "
              + count
              + " outside a text of "
              + length
              + " code points");
    }
  }
}
