package dev.quire.ot.operation;

/** Code-point arithmetic on Java strings, with a fast path for text without surrogate pairs. */
public final class CodePoints {
  private CodePoints() {}

  /** Number of code points in {@code s}. */
  public static int count(CharSequence s) {
    return Character.codePointCount(s, 0, s.length());
  }

  /**
   * The UTF-16 index of code point {@code cp} in {@code s}.
   *
   * @throws IndexOutOfBoundsException when {@code s} has fewer than {@code cp} code points
   */
  public static int charIndex(String s, int cp) {
    // No shortcut for cp == s.length(): "a\uD83D\uDE00" is 3 units long but has only 2 code points,
    // so code point 3 does not exist and must be refused, not mapped to index 3.
    return s.offsetByCodePoints(0, cp);
  }

  /** The first {@code n} code points of {@code s}. */
  public static String prefix(String s, int n) {
    return s.substring(0, s.offsetByCodePoints(0, n));
  }

  /** Everything after the first {@code n} code points of {@code s}. */
  public static String suffix(String s, int n) {
    return s.substring(s.offsetByCodePoints(0, n));
  }

  /**
   * Refuses text with an unpaired surrogate: such text is not Unicode, cannot be encoded as UTF-8,
   * and would let an operation split a character.
   */
  public static void requireWellFormed(CharSequence s) {
    countWellFormed(s);
  }

  /**
   * The number of code points in {@code s}, refusing text with an unpaired surrogate.
   *
   * @throws MalformedOperationException naming the unpaired surrogate and where it is
   */
  public static int countWellFormed(CharSequence s) {
    int n = s.length();
    int pairs = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        pairs++;
        continue;
      }
      throw new MalformedOperationException(
          "text has an unpaired surrogate U+"
              + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
              + " at UTF-16 index "
              + i);
    }
    return n - pairs;
  }
}
