package dev.quire.ot.history;

import dev.quire.ot.codec.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The canonical form of one revision of a document's history and the SHA-256 chain over them. A
 * history file's revision records are this form with their {@code prev} and {@code hash}; the
 * relay's chain is the same records chained from {@link #GENESIS} instead of from a file's header,
 * so a reader of the file recomputes what the relay signed without asking the relay. Both sides
 * call this class, so their bytes cannot drift apart (docs/history-format.md describes them).
 */
public final class HistoryChain {
  /** The {@code prev} of revision 1 in the relay's chain: 64 zeros. */
  public static final String GENESIS = "0".repeat(64);

  /** What the relay signs: separates a relay checkpoint from any other use of its key. */
  public static final String RELAY_CHECKPOINT = "quire-relay-checkpoint";

  private HistoryChain() {}

  /**
   * One revision as the chain covers it.
   *
   * @param baseRevision the base revision of the batch it came in
   * @param batchFirst the first revision of that batch
   * @param author the user the relay authenticated
   * @param client the client id of the batch
   * @param batch the batch's sequence number at its client
   * @param time when the relay sequenced it (its clock)
   * @param madeAt when its batch's first edit was made (its author's clock)
   * @param operation the operation's JSON text in canonical form ({@link
   *     dev.quire.ot.codec.OperationCodec#toJson}, or {@link CanonicalJson} of what was sent)
   */
  public record Revision(
      long revision,
      long baseRevision,
      long batchFirst,
      String author,
      String client,
      long batch,
      long time,
      long madeAt,
      String operation) {
    public Revision {
      Objects.requireNonNull(author, "author == null");
      Objects.requireNonNull(client, "client == null");
      Objects.requireNonNull(operation, "operation == null");
    }
  }

  /**
   * Appends the canonical JSON of {@code r}'s record chained to {@code prev}, without its {@code
   * hash}: members sorted, no spaces (RFC 8785).
   *
   * @return the index in {@code out} where a {@code ,"hash":...} member belongs (after {@code
   *     client}), for a writer that adds it
   */
  public static int appendRecord(StringBuilder out, Revision r, String prev) {
    out.append("{\"author\":");
    CanonicalJson.appendString(out, r.author());
    out.append(",\"baseRevision\":");
    CanonicalJson.appendInteger(out, r.baseRevision());
    out.append(",\"batch\":");
    CanonicalJson.appendInteger(out, r.batch());
    out.append(",\"batchFirst\":");
    CanonicalJson.appendInteger(out, r.batchFirst());
    out.append(",\"client\":");
    CanonicalJson.appendString(out, r.client());
    int hashAt = out.length();
    out.append(",\"madeAt\":");
    CanonicalJson.appendInteger(out, r.madeAt());
    out.append(",\"operation\":").append(r.operation());
    out.append(",\"prev\":\"").append(prev).append("\",\"revision\":");
    CanonicalJson.appendInteger(out, r.revision());
    out.append(",\"time\":");
    CanonicalJson.appendInteger(out, r.time());
    out.append(",\"type\":\"revision\"}");
    return hashAt;
  }

  /** The hash of {@code r} chained to {@code prev}: the next link of the relay's chain. */
  public static String next(String prev, Revision r) {
    StringBuilder b = new StringBuilder(256);
    appendRecord(b, r, prev);
    return sha256(b);
  }

  /**
   * The bytes the relay signs for a checkpoint: the canonical JSON of {@code {"chain", "document",
   * "revision", "textHash", "type": "quire-relay-checkpoint"}}, without {@code textHash} when the
   * relay does not read the document (opaque).
   */
  public static byte[] relayStatement(
      String document, long revision, String chain, @Nullable String textHash) {
    StringBuilder b = new StringBuilder(200);
    b.append("{\"chain\":");
    CanonicalJson.appendString(b, chain);
    b.append(",\"document\":");
    CanonicalJson.appendString(b, document);
    b.append(",\"revision\":");
    CanonicalJson.appendInteger(b, revision);
    if (textHash != null) {
      b.append(",\"textHash\":");
      CanonicalJson.appendString(b, textHash);
    }
    b.append(",\"type\":\"").append(RELAY_CHECKPOINT).append("\"}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** SHA-256 of the UTF-8 bytes of {@code text}, in 64 lower-case hex digits. */
  public static String sha256(CharSequence text) {
    return HexFormat.of()
        .formatHex(digest().digest(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** A new SHA-256 digest. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** True for 64 lower-case hex digits (a SHA-256 as the history writes it). */
  public static boolean isHash(@Nullable String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }
}
