package dev.quire.ot.protocol;

import dev.quire.ot.history.Ed25519;
import java.util.Base64;

/**
 * A device's public keys, as registered with the relay (protocol 6): the Ed25519 key its encrypted
 * batches are signed with (X.509 DER in base64) and the X25519 key document keys are sealed to (the
 * raw 32 bytes in base64, as HPKE serialises it). Both are checked for form here; what they are
 * worth is the clients' to judge (they pin them).
 */
public record DeviceKeys(String signingKey, String agreementKey) {
  public DeviceKeys {
    if (!Ed25519.isPublicKey(signingKey)) {
      throw new IllegalArgumentException("signingKey must be an Ed25519 public key in base64");
    }
    requireX25519(agreementKey);
  }

  static void requireX25519(String key) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("agreementKey is not base64");
    }
    if (raw.length != 32) {
      throw new IllegalArgumentException(
          "agreementKey must be a 32-byte X25519 public key, was " + raw.length + " bytes");
    }
  }
}
