package dev.quire.editor.crypto;

import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.crypto.BatchCipher;
import dev.quire.ot.crypto.UnreadableBatchException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * Document keys sealed to one device: HPKE (RFC 9180) in auth mode, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM, BouncyCastle's. Auth mode binds the sender's X25519 key, so the
 * recipient knows which device sealed it; the HPKE {@code info} binds the document, the epoch and
 * the recipient device, so an envelope cannot be passed off for another. An envelope is {@code enc
 * || ciphertext} in base64.
 */
public final class KeyEnvelopes {
  private static final int ENC_BYTES = 32;

  private KeyEnvelopes() {}

  private static HPKE hpke() {
    return new HPKE(
        HPKE.mode_auth, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }

  /** The HPKE info: canonical JSON of what the envelope is for. */
  static byte[] info(String doc, long epoch, String user, String clientId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clientId", clientId);
    m.put("document", doc);
    m.put("epoch", epoch);
    m.put("type", "quire-key-envelope");
    m.put("user", user);
    return CanonicalJson.write(m).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Seals {@code key} (a document key of {@code epoch}) to the device ({@code user}, {@code
   * clientId}) whose agreement key is {@code recipientKey}, from the device {@code sender}.
   */
  public static String seal(
      byte[] key,
      String doc,
      long epoch,
      String user,
      String clientId,
      String recipientKey,
      AgreementKeys sender) {
    try {
      byte[][] out =
          hpke()
              .seal(
                  AgreementKeys.publicOf(recipientKey),
                  info(doc, epoch, user, clientId),
                  new byte[0],
                  key,
                  null,
                  null,
                  sender.pair());
      byte[] both = Arrays.copyOf(out[1], out[1].length + out[0].length);
      System.arraycopy(out[0], 0, both, out[1].length, out[0].length);
      return Base64.getEncoder().encodeToString(both);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("sealing a document key failed", e);
    }
  }

  /**
   * Opens an envelope sealed to this device ({@code user}, {@code clientId}, {@code me}) by the
   * device whose agreement key is {@code senderKey}.
   *
   * @throws UnreadableBatchException when it was not sealed by that device, for this device,
   *     document and epoch, or was changed
   */
  public static byte[] open(
      String envelope,
      String doc,
      long epoch,
      String user,
      String clientId,
      AgreementKeys me,
      String senderKey) {
    byte[] both;
    try {
      both = Base64.getDecoder().decode(envelope);
    } catch (IllegalArgumentException e) {
      throw new UnreadableBatchException("the key envelope is not base64");
    }
    if (both.length <= ENC_BYTES) {
      throw new UnreadableBatchException("the key envelope is too short");
    }
    try {
      byte[] key =
          hpke()
              .open(
                  Arrays.copyOf(both, ENC_BYTES),
                  me.pair(),
                  info(doc, epoch, user, clientId),
                  new byte[0],
                  Arrays.copyOfRange(both, ENC_BYTES, both.length),
                  null,
                  null,
                  AgreementKeys.publicOf(senderKey));
      if (key.length != BatchCipher.KEY_BYTES) {
        throw new UnreadableBatchException("the key envelope holds no document key");
      }
      return key;
    } catch (InvalidCipherTextException | IllegalArgumentException e) {
      throw new UnreadableBatchException(
          "the key envelope does not open: not sealed by that device for this one, or changed");
    }
  }
}
