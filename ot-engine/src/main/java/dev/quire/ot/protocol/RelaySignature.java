package dev.quire.ot.protocol;

import dev.quire.ot.history.HistoryChain;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The relay's signature of a document's history up to {@code revision} ({@code signatures}, since
 * protocol 5): the relay's chain hash there ({@link HistoryChain}), the text's SHA-256 there when
 * the relay reads the document, and the Ed25519 signature of {@link HistoryChain#relayStatement}.
 *
 * @param textHash null for a document the relay does not read (opaque)
 * @param signature base64, by the key the answer names
 */
public record RelaySignature(
    long revision, String chain, @Nullable String textHash, String signature) {
  /** Longer than any base64 Ed25519 signature (88 characters). */
  public static final int MAX_SIGNATURE = 256;

  public RelaySignature {
    if (revision < 1) {
      throw new IllegalArgumentException("revision must be at least 1, was " + revision);
    }
    if (!HistoryChain.isHash(chain)) {
      throw new IllegalArgumentException("chain must be 64 lower-case hex digits");
    }
    if (textHash != null && !HistoryChain.isHash(textHash)) {
      throw new IllegalArgumentException("textHash must be 64 lower-case hex digits");
    }
    Ids.requireText(
        "signature", Objects.requireNonNull(signature, "signature == null"), MAX_SIGNATURE);
  }

  /** What the signature signs, for a document. */
  public byte[] statement(String doc) {
    return HistoryChain.relayStatement(doc, revision, chain, textHash);
  }
}
