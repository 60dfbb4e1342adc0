package dev.quire.relay;

import dev.quire.ot.protocol.WireBatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Identifies a batch's content, to tell a resend (same digest) from a client reusing (client id,
 * batch seq) for something else. Covers the base revision, each operation's JSON text and the
 * notes' JSON text when there are notes (so a batch without notes keeps the digest it always had);
 * the texts hold no raw line breaks, so joining them with one is unambiguous.
 *
 * <p>The hex digits of <code>&#92;u</code> escapes are hashed in upper case: operations are written
 * with lower-case escapes (RFC 8785, as ot.js writes them) since the history file, upper-case
 * before, and a batch sent before an upgrade and resent after it is the same batch.
 */
final class BatchDigest {
  // Copied for each batch: looking SHA-256 up among the security providers cost more than hashing
  // a small batch.
  private static final MessageDigest SHA_256 = sha256();

  private BatchDigest() {}

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static byte[] of(WireBatch batch) {
    MessageDigest md;
    try {
      md = (MessageDigest) SHA_256.clone(); // never updated itself, so each copy starts empty
    } catch (CloneNotSupportedException e) {
      md = sha256(); // a provider whose digests cannot be copied
    }
    md.update(Long.toString(batch.baseRevision()).getBytes(StandardCharsets.UTF_8));
    for (String op : batch.operations()) {
      md.update((byte) '\n');
      md.update(withUpperCaseEscapes(op).getBytes(StandardCharsets.UTF_8));
    }
    if (batch.notes() != null) {
      md.update("\nnotes\n".getBytes(StandardCharsets.UTF_8));
      md.update(batch.notes().getBytes(StandardCharsets.UTF_8));
    }
    return md.digest();
  }

  /** {@code json} with the four hex digits of every <code>&#92;u</code> escape in upper case. */
  static String withUpperCaseEscapes(String json) {
    int i = json.indexOf('\\');
    if (i < 0) {
      return json;
    }
    char[] chars = json.toCharArray();
    for (; i < chars.length - 1; i++) {
      if (chars[i] != '\\') {
        continue;
      }
      i++; // the escaped character: an escaped backslash is not the start of another escape
      if (chars[i] == 'u') {
        for (int k = i + 1; k <= i + 4 && k < chars.length; k++) {
          chars[k] = Character.toUpperCase(chars[k]);
        }
      }
    }
    return new String(chars);
  }
}
