package dev.quire.editor.store;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A profile's settings. Absent values are empty strings (no relays: an empty list), never null.
 *
 * @param relays the relays to sync with, tried in this order, such as {@code ws://127.0.0.1:7070};
 *     checked by {@link RelayAddresses#parse}
 * @param token the relay token (kept in the profile in plain text: the profile is the user's own)
 * @param displayName the name shown to collaborators
 * @param colour the colour of this user's caret for others, {@code #rrggbb}
 */
public record Settings(List<URI> relays, String token, String displayName, String colour) {
  public static final String DEFAULT_COLOUR = "#3b82f6";

  public Settings {
    relays = List.copyOf(Objects.requireNonNull(relays, "relays == null"));
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(displayName, "displayName == null");
    Objects.requireNonNull(colour, "colour == null");
  }

  /**
   * Settings with the relays given as text, comma-separated.
   *
   * @throws IllegalArgumentException naming a bad address (see {@link RelayAddresses#parse})
   */
  public static Settings of(String relays, String token, String displayName, String colour) {
    return new Settings(RelayAddresses.parse(relays), token, displayName, colour);
  }

  /** Nothing set yet. */
  public static Settings empty() {
    return new Settings(List.of(), "", "", DEFAULT_COLOUR);
  }

  /** The relays as text: the addresses joined with commas, empty for none. */
  public String relayText() {
    return RelayAddresses.format(relays);
  }

  @Override
  public String toString() {
    return "Settings[relays=" + relayText() + ", displayName=" + displayName + "]"; // no token
  }
}
