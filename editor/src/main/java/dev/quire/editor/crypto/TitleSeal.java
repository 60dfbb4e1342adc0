package dev.quire.editor.crypto;

import dev.quire.ot.crypto.TitleCipher;
import dev.quire.ot.crypto.UnreadableBatchException;
import dev.quire.ot.protocol.SealedTitle;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An encrypted document's title as members see it (protocol 8): sealed with the newest key this
 * profile holds, opened with the key of its epoch. A title this profile cannot open is shown as
 * {@link SealedTitle#PLACEHOLDER}, and the reason logged, never thrown.
 */
public final class TitleSeal {
  private static final Logger log = LoggerFactory.getLogger(TitleSeal.class);

  private TitleSeal() {}

  /** {@code title} sealed under the newest key of {@code doc} held, or empty when none is held. */
  public static Optional<SealedTitle> seal(Keyring keyring, String doc, String title) {
    NavigableMap<Long, byte[]> keys = keyring.keys(doc);
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    Map.Entry<Long, byte[]> newest = keys.lastEntry();
    return Optional.of(TitleCipher.seal(doc, newest.getKey(), newest.getValue(), title));
  }

  /**
   * The title inside {@code sealed}; empty (and logged) when this profile lacks the key of its
   * epoch, or when it does not decrypt or holds no valid title.
   */
  public static Optional<String> open(Keyring keyring, String doc, SealedTitle sealed) {
    Optional<byte[]> key = keyring.key(doc, sealed.epoch());
    if (key.isEmpty()) {
      log.info(
          "The title of {} is sealed under key epoch {}, which this profile does not hold (yet)",
          doc,
          sealed.epoch());
      return Optional.empty();
    }
    try {
      return Optional.of(TitleCipher.open(doc, key.get(), sealed));
    } catch (UnreadableBatchException e) {
      log.warn("The sealed title of {} is shown as a placeholder: {}", doc, e.getMessage());
      return Optional.empty();
    }
  }

  /** Whether {@code sealed} is missing or older than the newest key of {@code doc} held. */
  public static boolean stale(Keyring keyring, String doc, SealedTitle sealed) {
    NavigableMap<Long, byte[]> keys = keyring.keys(doc);
    return !keys.isEmpty() && (sealed == null || sealed.epoch() < keys.lastKey());
  }
}
