package dev.quire.relay.postgres;

import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.StoreException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's text types cannot hold the character U+0000, which Java strings (and the H2 store)
 * can: such text is refused with a clear error before it reaches the database, where it would fail
 * a whole group of appends. JSON text as the protocol carries it never holds one raw.
 */
final class PgText {
  private PgText() {}

  /** The failure for an append holding text PostgreSQL cannot store, or null when it can. */
  static @Nullable StoreException check(HistoryStore.Append a) {
    String bad =
        has(a.doc())
            ? "its document id"
            : has(a.entry().author())
                ? "its author"
                : has(a.entry().batch().clientId())
                    ? "its client id"
                    : any(a.entry().batch().operations())
                        ? "an operation"
                        : a.canonical() != null && any(a.canonical())
                            ? "a canonical operation"
                            : null;
    return bad == null
        ? null
        : new StoreException(
            "cannot store a batch of "
                + a.doc().replace('\0', '?')
                + ": "
                + bad
                + " holds the character U+0000");
  }

  /**
   * {@code value}, unless it holds U+0000.
   *
   * @throws IllegalArgumentException naming {@code what} when it does
   */
  static String require(String what, String value) {
    if (has(value)) {
      throw new IllegalArgumentException(what + " must not hold the character U+0000");
    }
    return value;
  }

  private static boolean has(String s) {
    return s.indexOf('\0') >= 0;
  }

  private static boolean any(List<String> texts) {
    for (String t : texts) {
      if (has(t)) {
        return true;
      }
    }
    return false;
  }
}
