package dev.quire.editor.ui;

import java.util.Arrays;

/**
 * Where the surrogate pairs of a text are, so that UTF-16 offsets (Swing) and code point positions
 * (the engine) convert in O(log pairs) instead of by counting the text, which in a 1 MB document
 * would cost milliseconds a keystroke. Kept up to date edit by edit.
 */
final class SurrogateIndex {
  private int[] starts = new int[16]; // char offsets of each pair's high surrogate, ascending
  private int size;

  /** Forgets everything and indexes {@code text}. */
  void reset(CharSequence text) {
    size = 0;
    add(text, 0, 0);
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** The code point position of char offset {@code offset}. */
  int toCodePoint(int offset) {
    return offset - pairsBefore(offset);
  }

  /** The char offset of code point position {@code cp}. */
  int toOffset(int cp) {
    // Pair i starts at code point starts[i] - i; count the pairs that start before cp.
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (starts[mid] - mid < cp) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return cp + lo;
  }

  /** {@code text} was inserted at char {@code offset}. */
  void inserted(int offset, CharSequence text) {
    int from = firstAtOrAfter(offset);
    for (int i = from; i < size; i++) {
      starts[i] += text.length();
    }
    add(text, offset, from);
  }

  /** {@code length} chars were removed at char {@code offset}. */
  void removed(int offset, int length) {
    int from = firstAtOrAfter(offset);
    int to = firstAtOrAfter(offset + length);
    int kept = size - to;
    System.arraycopy(starts, to, starts, from, kept);
    size = from + kept;
    for (int i = from; i < size; i++) {
      starts[i] -= length;
    }
  }

  private int pairsBefore(int offset) {
    return firstAtOrAfter(offset);
  }

  /** Index of the first pair starting at or after {@code offset}. */
  private int firstAtOrAfter(int offset) {
    int i = Arrays.binarySearch(starts, 0, size, offset);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && starts[i - 1] == offset) {
      i--;
    }
    return i;
  }

  /** Adds the pairs of {@code text}, placed at char {@code offset}, before index {@code at}. */
  private void add(CharSequence text, int offset, int at) {
    int n = 0;
    for (int i = 0; i + 1 < text.length(); i++) {
      if (Character.isHighSurrogate(text.charAt(i))
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        n++;
        i++;
      }
    }
    if (n == 0) {
      return;
    }
    if (size + n > starts.length) {
      starts = Arrays.copyOf(starts, Math.max(size + n, starts.length * 2));
    }
    System.arraycopy(starts, at, starts, at + n, size - at);
    int k = at;
    for (int i = 0; i + 1 < text.length(); i++) {
      if (Character.isHighSurrogate(text.charAt(i))
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        starts[k++] = offset + i;
        i++;
      }
    }
    size += n;
  }
}
