package dev.quire.editor.sync;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which of the profile's relays to try: the addresses in order, staying with one that works and
 * moving on to the next (wrapping around) when it fails or is lost. A round is over when as many
 * attempts as there are addresses have failed since the last stable connection: only then does the
 * engine back off; within a round it tries the next address at once. A connection counts as stable
 * once it has stayed up for a while ({@link #stable}), so relays that accept and then drop every
 * connection at once still end rounds and get the backoff. Owner thread only.
 */
final class RelayRotation {
  private final List<URI> relays;
  // Why each address failed since the last success, in the order they failed (latest reason each).
  private final Map<URI, String> failures = new LinkedHashMap<>();
  private int current;
  private int failedInRound;

  RelayRotation(List<URI> relays) {
    if (relays.isEmpty()) {
      throw new IllegalArgumentException("no relay address");
    }
    this.relays = List.copyOf(relays);
  }

  /** The address connected to, or to try next. */
  URI current() {
    return relays.get(current);
  }

  int size() {
    return relays.size();
  }

  /**
   * The current address failed, or its connection was lost, for {@code why}; the next one becomes
   * current. True when that ends a round: every attempt since the last success failed, so the
   * caller waits before trying again.
   */
  boolean failed(String why) {
    URI at = current();
    failures.remove(at); // keep the order of the latest failures
    failures.put(at, why);
    current = (current + 1) % relays.size();
    if (++failedInRound < relays.size()) {
      return false;
    }
    failedInRound = 0;
    return true;
  }

  /**
   * The current address answered. Returns why the other addresses were passed over on the way here
   * ({@code "ws://a/: connection refused; ..."}), or null when none was.
   */
  String connected() {
    failures.remove(current());
    String passedOver = failures.isEmpty() ? null : describe(failures);
    failures.clear();
    return passedOver;
  }

  /** The connection to the current address has stayed up: a new round starts with it. */
  void stable() {
    failedInRound = 0;
  }

  /** Why the last round failed: the only address and its reason, or each address with its own. */
  String roundFailure() {
    if (relays.size() == 1) {
      return "cannot reach " + current() + ": " + failures.get(current());
    }
    return "cannot reach any of the " + relays.size() + " relays: " + describe(failures);
  }

  private static String describe(Map<URI, String> failures) {
    return failures.entrySet().stream()
        .map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining("; "));
  }
}
