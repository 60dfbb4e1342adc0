package dev.quire.ot.protocol;

import java.util.Base64;
import java.util.Objects;

/**
 * An end-to-end encrypted document's title, sealed by a member's client under the document key of
 * {@code epoch} (protocol 8): {@code sealed} is base64 of a random 96-bit nonce, the AES-256-GCM
 * ciphertext of the title's UTF-8 bytes and its 128-bit tag. The relay stores and serves it without
 * reading it, and keeps {@link #PLACEHOLDER} as the document's {@code title}.
 *
 * @param epoch the key epoch it is sealed under
 * @param sealed the ciphertext, base64 (with padding), at most {@link #MAX_SEALED} characters
 */
public record SealedTitle(long epoch, String sealed) {
  /** The {@code title} the relay keeps and serves for a document whose title is sealed. */
  public static final String PLACEHOLDER = "(encrypted title)";

  /**
   * The longest {@code sealed}, in characters: room for the longest title (200 UTF-16 units, at
   * most 600 UTF-8 bytes) with its nonce and tag (628 bytes, 840 characters of base64).
   */
  public static final int MAX_SEALED = 1024;

  /** The shortest ciphertext: a nonce, one byte of title, a tag. */
  private static final int MIN_BYTES = 12 + 1 + 16;

  public SealedTitle {
    if (epoch < 1) {
      throw new IllegalArgumentException("sealedTitle.epoch must be at least 1, was " + epoch);
    }
    Objects.requireNonNull(sealed, "sealedTitle.sealed == null");
    if (sealed.length() > MAX_SEALED) {
      throw new IllegalArgumentException(
          "sealedTitle.sealed must be at most "
              + MAX_SEALED
              + " characters, was "
              + sealed.length());
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sealedTitle.sealed must be base64: " + e.getMessage());
    }
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "sealedTitle.sealed must hold at least "
              + MIN_BYTES
              + " bytes (nonce, title, tag), was "
              + bytes.length);
    }
  }

  /** The ciphertext's bytes: nonce, ciphertext, tag. */
  public byte[] bytes() {
    return Base64.getDecoder().decode(sealed);
  }
}
