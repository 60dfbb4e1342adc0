package dev.quire.editor.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A profile's relay addresses as text: one or more {@code ws://} or {@code wss://} addresses
 * separated by commas, such as {@code ws://a:7070,ws://b:7070}. The client tries them in order and
 * moves to the next when one is gone. Nothing is guessed: an empty entry, a space, another scheme,
 * a missing host or an address given twice is refused with a message naming the entry.
 */
public final class RelayAddresses {
  private static final String EXAMPLE = "ws://127.0.0.1:7070";

  private RelayAddresses() {}

  /**
   * The addresses in {@code text}, in order; none for blank text (no relay: offline).
   *
   * @throws IllegalArgumentException naming the first bad entry and what is wrong with it
   */
  public static List<URI> parse(String text) {
    if (text.isBlank()) {
      return List.of();
    }
    String[] entries = text.split(",", -1);
    List<URI> out = new ArrayList<>(entries.length);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.length; i++) {
      URI uri = parseOne(entries[i], i + 1, text);
      if (!seen.add(identity(uri))) {
        throw new IllegalArgumentException(
            "relay address \"" + entries[i] + "\" is given twice in \"" + text + "\"");
      }
      out.add(uri);
    }
    return List.copyOf(out);
  }

  /** The text form of {@code relays}: the addresses joined with commas. */
  public static String format(List<URI> relays) {
    return relays.stream().map(URI::toString).collect(Collectors.joining(","));
  }

  private static URI parseOne(String entry, int position, String text) {
    if (entry.isEmpty()) {
      return refuse(
          "relay address "
              + position
              + " in \""
              + text
              + "\" is empty: separate addresses with one comma, as in ws://a:7070,ws://b:7070");
    }
    if (entry.chars().anyMatch(Character::isWhitespace)) {
      return refuse(
          "relay address \""
              + entry
              + "\" contains a space: separate addresses with a comma alone, as in"
              + " ws://a:7070,ws://b:7070");
    }
    if (!entry.startsWith("ws://") && !entry.startsWith("wss://")) {
      return refuse(
          "relay address \"" + entry + "\" does not start with ws:// or wss://, as in " + EXAMPLE);
    }
    URI uri;
    try {
      uri = new URI(entry);
    } catch (URISyntaxException e) {
      return refuse("relay address \"" + entry + "\" is not an address: " + e.getMessage());
    }
    if (uri.getHost() == null) {
      return refuse("relay address \"" + entry + "\" has no host, as in " + EXAMPLE);
    }
    return uri;
  }

  /** What makes two addresses the same relay: scheme, host, port (default filled in) and path. */
  private static String identity(URI u) {
    int port = u.getPort() >= 0 ? u.getPort() : "wss".equals(u.getScheme()) ? 443 : 80;
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    return u.getScheme()
        + "://"
        + u.getHost().toLowerCase(Locale.ROOT)
        + ":"
        + port
        + path
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  private static URI refuse(String message) {
    throw new IllegalArgumentException(message);
  }
}
