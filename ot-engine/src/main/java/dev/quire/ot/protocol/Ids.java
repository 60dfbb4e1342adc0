package dev.quire.ot.protocol;

import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.MalformedOperationException;
import java.util.Objects;
import java.util.regex.Pattern;

/** The shapes of identifiers and names the protocol accepts. */
public final class Ids {
  /** Document ids: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit. */
  public static final Pattern DOCUMENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** User names: 1 to 32 of {@code a-z 0-9 . _ -}, starting with a letter or digit. */
  public static final Pattern USER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

  /** Presence colours: {@code #rrggbb}. */
  public static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");

  /** The longest title, in UTF-16 units. */
  public static final int MAX_TITLE = 200;

  /** The longest client id or presence name, in UTF-16 units. */
  public static final int MAX_NAME = 128;

  /** The longest request id, in UTF-16 units. */
  public static final int MAX_REQUEST_ID = 64;

  private Ids() {}

  public static String requireDocumentId(String doc) {
    Objects.requireNonNull(doc, "document id == null");
    return isName(doc, 64, true) ? doc : refuse("document id", doc, DOCUMENT_ID);
  }

  public static String requireUserName(String user) {
    Objects.requireNonNull(user, "user name == null");
    return isName(user, 32, false) ? user : refuse("user name", user, USER_NAME);
  }

  /**
   * Whether {@code s} matches {@link #DOCUMENT_ID} ({@code upperCase}) or {@link #USER_NAME}: the
   * same test without a regular expression, which the relay would otherwise run several times on
   * every message (every message record checks its document id).
   */
  static boolean isName(String s, int max, boolean upperCase) {
    int n = s.length();
    if (n == 0 || n > max) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || (upperCase && c >= 'A' && c <= 'Z')
              || (i > 0 && (c == '.' || c == '_' || c == '-'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  public static String requireColour(String colour) {
    return requireMatch("colour", colour, COLOUR);
  }

  /** A request id: non-blank, at most {@link #MAX_REQUEST_ID} UTF-16 units. */
  public static String requireRequestId(String id) {
    return requireText("id", id, MAX_REQUEST_ID);
  }

  public static String requireTitle(String title) {
    return requireText("title", title, MAX_TITLE);
  }

  /** A non-blank, well-formed string of at most {@code max} UTF-16 units. */
  public static String requireText(String what, String value, int max) {
    Objects.requireNonNull(value, what + " == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException(
          what + " must be at most " + max + " characters, was " + value.length());
    }
    try {
      CodePoints.requireWellFormed(value);
    } catch (MalformedOperationException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
    return value;
  }

  private static String requireMatch(String what, String value, Pattern pattern) {
    Objects.requireNonNull(value, what + " == null");
    return pattern.matcher(value).matches() ? value : refuse(what, value, pattern);
  }

  private static String refuse(String what, String value, Pattern pattern) {
    throw new IllegalArgumentException(
        what + " \"" + abbreviate(value) + "\" does not match " + pattern.pattern());
  }

  static String abbreviate(String s) {
    if (s.length() <= 40) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(39)) ? 39 : 40;
    return s.substring(0, end) + "...";
  }
}
