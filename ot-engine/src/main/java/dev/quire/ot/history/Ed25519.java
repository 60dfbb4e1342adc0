package dev.quire.ot.history;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 (RFC 8032) through the JDK's own provider. Public keys travel as X.509
 * SubjectPublicKeyInfo DER in base64 (the body of the PEM {@code openssl pkey -pubout} writes),
 * signatures as their 64 bytes in base64, private keys as PKCS#8 DER.
 */
public final class Ed25519 {
  private static final String ALGORITHM = "Ed25519";

  private Ed25519() {}

  /** A new random key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has Ed25519 since Java 15", e);
    }
  }

  /**
   * The key pair of a PKCS#8 private key.
   *
   * @throws IllegalArgumentException when it is not an Ed25519 private key
   */
  public static KeyPair fromPrivate(byte[] pkcs8) {
    try {
      PrivateKey key =
          KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      byte[] seed =
          ((EdECPrivateKey) key)
              .getBytes()
              .orElseThrow(() -> new IllegalArgumentException("the private key has no bytes"));
      return pairFromSeed(seed);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an Ed25519 private key (" + e + ")", e);
    }
  }

  /**
   * The key pair of a 32-byte private key: the JDK derives the public key only while generating, so
   * generation is fed the existing private key as its randomness.
   */
  private static KeyPair pairFromSeed(byte[] seed) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
    g.initialize(
        NamedParameterSpec.ED25519,
        new SecureRandom() {
          private static final long serialVersionUID = 1L;

          @Override
          public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
          }
        });
    return g.generateKeyPair();
  }

  /** The public key of {@code pair} as signatures name it: X.509 DER in base64. */
  public static String publicKey(KeyPair pair) {
    return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
  }

  /** Signs {@code message}; the signature in base64. */
  public static String sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(message);
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with Ed25519 failed", e);
    }
  }

  /**
   * True when {@code signature} (base64) is a valid signature of {@code message} by {@code
   * publicKey} (X.509 DER in base64); false for anything that is not, including keys and signatures
   * that are not base64 or not Ed25519.
   */
  public static boolean verify(String publicKey, byte[] message, String signature) {
    try {
      PublicKey key =
          KeyFactory.getInstance(ALGORITHM)
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
      Signature v = Signature.getInstance(ALGORITHM);
      v.initVerify(key);
      v.update(message);
      return v.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // not a key, not base64, not a signature: it does not verify
    }
  }

  /** True when {@code publicKey} is an Ed25519 public key, X.509 DER in base64. */
  public static boolean isPublicKey(String publicKey) {
    try {
      KeyFactory.getInstance(ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
      return true;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** A short name for a key: {@code ed25519:} and the first 16 hex digits of its SHA-256. */
  public static String fingerprint(String publicKey) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(publicKey);
    } catch (IllegalArgumentException e) {
      der = publicKey.getBytes(StandardCharsets.UTF_8);
    }
    return "ed25519:" + HexFormat.of().formatHex(HistoryChain.digest().digest(der), 0, 8);
  }
}
