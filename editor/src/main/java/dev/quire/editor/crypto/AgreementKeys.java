package dev.quire.editor.crypto;

import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * A device's X25519 key pair, which document keys are sealed to. The private key is the raw 32
 * bytes kept in the profile; the public key travels as its raw 32 bytes in base64.
 */
public final class AgreementKeys {
  private final X25519PrivateKeyParameters privateKey;
  private final X25519PublicKeyParameters publicKey;

  private AgreementKeys(X25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey();
  }

  /** A new random key pair. */
  public static AgreementKeys generate() {
    return new AgreementKeys(new X25519PrivateKeyParameters(new SecureRandom()));
  }

  /** The key pair of a stored private key (32 bytes). */
  public static AgreementKeys fromPrivate(byte[] raw) {
    if (raw.length != X25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("an X25519 private key has 32 bytes, not " + raw.length);
    }
    return new AgreementKeys(new X25519PrivateKeyParameters(raw, 0));
  }

  /** The private key's raw bytes, to keep in the profile. */
  public byte[] privateBytes() {
    return privateKey.getEncoded();
  }

  /** The public key, raw bytes in base64 (as {@code device} registers it). */
  public String publicKey() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  AsymmetricCipherKeyPair pair() {
    return new AsymmetricCipherKeyPair(publicKey, privateKey);
  }

  static X25519PublicKeyParameters publicOf(String base64) {
    byte[] raw = Base64.getDecoder().decode(base64);
    if (raw.length != X25519PublicKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("an X25519 public key has 32 bytes, not " + raw.length);
    }
    return new X25519PublicKeyParameters(raw, 0);
  }
}
