package dev.quire.editor.store;

import java.util.Objects;

/**
 * A profile's settings. Absent values are empty strings, never null.
 *
 * @param relayUrl the relay to sync with, such as {@code ws://127.0.0.1:7070}
 * @param token the relay token (kept in the profile in plain text: the profile is the user's own)
 * @param displayName the name shown to collaborators
 * @param colour the colour of this user's caret for others, {@code #rrggbb}
 */
public record Settings(String relayUrl, String token, String displayName, String colour) {
  public static final String DEFAULT_COLOUR = "#3b82f6";

  public Settings {
    Objects.requireNonNull(relayUrl, "relayUrl == null");
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(displayName, "displayName == null");
    Objects.requireNonNull(colour, "colour == null");
  }

  /** Nothing set yet. */
  public static Settings empty() {
    return new Settings("", "", "", DEFAULT_COLOUR);
  }

  public Settings withRelay(String url, String token) {
    return new Settings(url, token, displayName, colour);
  }

  @Override
  public String toString() {
    return "Settings[relayUrl=" + relayUrl + ", displayName=" + displayName + "]"; // no token
  }
}
