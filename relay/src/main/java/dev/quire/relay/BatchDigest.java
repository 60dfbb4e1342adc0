package dev.quire.relay;

import dev.quire.ot.protocol.WireBatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Identifies a batch's content, to tell a resend (same digest) from a client reusing (client id,
 * batch seq) for something else. Covers the base revision and each operation's JSON text; the texts
 * hold no raw line breaks, so joining them with one is unambiguous.
 */
final class BatchDigest {
  private BatchDigest() {}

  static byte[] of(WireBatch batch) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    md.update(Long.toString(batch.baseRevision()).getBytes(StandardCharsets.UTF_8));
    for (String op : batch.operations()) {
      md.update((byte) '\n');
      md.update(op.getBytes(StandardCharsets.UTF_8));
    }
    return md.digest();
  }
}
