package dev.quire.relay.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a batch's canonical operations are stored: each one equal to the operation as sent (an
 * upload's, a single author's typing: most of them) is left out, stored as "same as sent", so a
 * readable document does not hold its operations twice. On H2 that is an empty line of {@code
 * batches.canonical} (schema V21), on PostgreSQL a NULL element of its array (V16); a NULL column
 * still means that none was computed. A canonical operation is JSON text, never empty nor null, so
 * the marker cannot be taken for one.
 */
public final class StoredCanonical {
  private StoredCanonical() {}

  /**
   * {@code canonical} as stored: null at each index where it equals {@code sent}.
   *
   * @throws IllegalArgumentException when their sizes differ
   */
  public static List<@Nullable String> compact(List<String> sent, List<String> canonical) {
    requireSameSize(sent, canonical);
    String[] out = new String[canonical.size()];
    for (int i = 0; i < out.length; i++) {
      String c = canonical.get(i);
      out[i] = c.equals(sent.get(i)) ? null : c;
    }
    return Arrays.asList(out);
  }

  /**
   * The canonical operations from their stored form: each null stands for the operation sent at its
   * index.
   *
   * @throws IllegalArgumentException when their sizes differ
   */
  public static List<String> resolve(List<String> sent, List<@Nullable String> stored) {
    requireSameSize(sent, stored);
    List<String> out = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      String c = stored.get(i);
      out.add(c == null ? sent.get(i) : c);
    }
    return out;
  }

  private static void requireSameSize(List<?> sent, List<?> canonical) {
    if (sent.size() != canonical.size()) {
      throw new IllegalArgumentException(
          canonical.size() + " canonical operations for " + sent.size() + " sent");
    }
  }
}
