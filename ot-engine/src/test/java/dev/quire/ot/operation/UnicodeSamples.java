package dev.quire.ot.operation;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Text samples for the Unicode cases, written with escapes so that what each holds is unambiguous.
 */
public final class UnicodeSamples {
  private UnicodeSamples() {}

  /** 😀 U+1F600: 1 code point, 2 UTF-16 units. */
  public static final String GRIN = "\uD83D\uDE00";

  /** 𝄞 U+1D11E: 1 code point, 2 UTF-16 units. */
  public static final String CLEF = "\uD834\uDD1E";

  /** 🇫 U+1F1EB, the first regional indicator of the French flag. */
  public static final String REGIONAL_F = "\uD83C\uDDEB";

  /** 🇷 U+1F1F7, the second regional indicator of the French flag. */
  public static final String REGIONAL_R = "\uD83C\uDDF7";

  /** 🇫🇷: two regional indicators, 2 code points, 4 UTF-16 units, one grapheme. */
  public static final String FLAG_FR = REGIONAL_F + REGIONAL_R;

  /** 👩 U+1F469. */
  public static final String WOMAN = "\uD83D\uDC69";

  /** 👧 U+1F467. */
  public static final String GIRL = "\uD83D\uDC67";

  /** U+200D ZERO WIDTH JOINER. */
  public static final String ZWJ = "\u200D";

  /** 👩‍👩‍👧: woman ZWJ woman ZWJ girl, 5 code points, 8 UTF-16 units, one grapheme. */
  public static final String FAMILY = WOMAN + ZWJ + WOMAN + ZWJ + GIRL;

  /** U+0301 COMBINING ACUTE ACCENT. */
  public static final String ACUTE = "\u0301";

  /** e + U+0301: 2 code points, 2 UTF-16 units, one grapheme (é, decomposed). */
  public static final String E_ACUTE = "e" + ACUTE;

  /** 中文: 2 code points in the BMP. */
  public static final String CJK = "\u4E2D\u6587";

  /** Asserts that {@code s} holds no unpaired surrogate, i.e. nothing split a character. */
  public static void assertWellFormed(String s) {
    assertThatCode(() -> CodePoints.requireWellFormed(s))
        .as("well-formed UTF-16: %s", escape(s))
        .doesNotThrowAnyException();
  }

  /** {@code s} with every non-ASCII UTF-16 unit written as an escape, for failure messages. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04X", (int) c));
      }
    }
    return sb.toString();
  }
}
