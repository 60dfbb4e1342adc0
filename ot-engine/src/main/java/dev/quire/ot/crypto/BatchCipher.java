package dev.quire.ot.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce per message, the JDK's own: {@link #seal} gives {@code
 * nonce || ciphertext || tag}, {@link #open} checks the tag over the ciphertext and the associated
 * data and gives the plaintext back. A nonce is never reused in practice: 2^-32 chance of a repeat
 * after 2^32 messages under one key, and a key is one epoch of one document.
 */
public final class BatchCipher {
  /** Bytes of a document key: 256 bits. */
  public static final int KEY_BYTES = 32;

  static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private BatchCipher() {}

  /** A fresh random 256-bit key. */
  public static byte[] newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  /** {@code nonce || AES-256-GCM(key, nonce, plaintext, aad)}. */
  public static byte[] seal(byte[] key, byte[] aad, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, key, nonce);
      c.updateAAD(aad);
      byte[] ct = c.doFinal(plaintext);
      byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + ct.length);
      System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is part of every Java runtime", e);
    }
  }

  /**
   * The plaintext of {@code sealed} (as {@link #seal} made it).
   *
   * @throws UnreadableBatchException when the key, the associated data or the bytes do not match:
   *     the ciphertext was changed, bound to another context, or made with another key
   */
  public static byte[] open(byte[] key, byte[] aad, byte[] sealed) {
    if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new UnreadableBatchException(
          "the ciphertext is too short (" + sealed.length + " bytes)");
    }
    try {
      Cipher c = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(sealed, NONCE_BYTES));
      c.updateAAD(aad);
      return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new UnreadableBatchException(
          "the ciphertext does not decrypt: changed, bound to another context, or another key");
    } catch (GeneralSecurityException e) {
      throw new UnreadableBatchException("the ciphertext does not decrypt: " + e.getMessage());
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("a document key has 32 bytes, not " + key.length);
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    return c;
  }
}
