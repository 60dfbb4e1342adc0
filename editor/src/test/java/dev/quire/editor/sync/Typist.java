package dev.quire.editor.sync;

import java.util.Random;

/**
 * Makes edits the way a person types: mostly characters at a moving caret, sometimes a backspace,
 * now and then a jump elsewhere; astral characters included.
 */
final class Typist {
  private static final String[] KEYS = {
    "a", "e", "t", " ", " ", "o", "n", "\n", "😀", "é", "s", "r", "🇫🇷", "i"
  };
  private final Random rnd;
  private int caret;

  Typist(long seed) {
    this.rnd = new Random(seed);
  }

  /** Makes one edit in {@code s} (owner thread). */
  void type(DocumentSession s) {
    int len = s.length();
    caret = Math.min(caret, len);
    int roll = rnd.nextInt(100);
    if (roll < 3 || len == 0) {
      caret = len == 0 ? 0 : rnd.nextInt(len + 1);
    }
    if (roll >= 3 && roll < 12 && caret > 0) {
      s.splice(caret - 1, 1, "");
      caret--;
      return;
    }
    String key = KEYS[rnd.nextInt(KEYS.length)];
    s.splice(caret, 0, key);
    caret += key.codePointCount(0, key.length());
  }
}
