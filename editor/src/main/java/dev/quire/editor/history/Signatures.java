package dev.quire.editor.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Ed25519 signatures of checkpoint hashes, through the JDK's own provider. Keys are read from the
 * PEM files OpenSSL writes: {@code openssl genpkey -algorithm ed25519 -out key.pem} (private,
 * PKCS#8) and {@code openssl pkey -in key.pem -pubout -out key.pub} (public, X.509).
 */
public final class Signatures {
  private static final String ALGORITHM = "Ed25519";

  private Signatures() {}

  /** Signs checkpoint hashes with one key. */
  public static final class Signer {
    private final PrivateKey privateKey;
    private final String publicKey;

    private Signer(KeyPair pair) {
      this.privateKey = pair.getPrivate();
      this.publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** A new random key (tests, and a relay's first start). */
    public static Signer generate() {
      try {
        return new Signer(KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has Ed25519 since Java 15", e);
      }
    }

    /**
     * Reads a PKCS#8 PEM private key.
     *
     * @throws IllegalArgumentException naming the file when it is not an Ed25519 private key
     */
    public static Signer read(Path pem) {
      byte[] der = pemBody(pem, "PRIVATE KEY");
      try {
        PrivateKey key =
            KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        byte[] seed =
            ((EdECPrivateKey) key)
                .getBytes()
                .orElseThrow(() -> new IllegalArgumentException(pem + ": no key bytes"));
        return new Signer(pairFromSeed(seed));
      } catch (GeneralSecurityException | ClassCastException e) {
        throw new IllegalArgumentException(pem + ": not an Ed25519 private key (" + e + ")");
      }
    }

    /** The PEM text of the private key (PKCS#8), to save a generated key. */
    public String privatePem() {
      return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /** The PEM text of the public key (X.509), for whoever verifies. */
    public String publicPem() {
      return pem("PUBLIC KEY", Base64.getDecoder().decode(publicKey));
    }

    /** The public key, X.509 DER in base64, as signatures name it. */
    public String publicKey() {
      return publicKey;
    }

    /** Signs a record's hash. */
    public HistoryRecord.Signature sign(String recordHash) {
      try {
        Signature s = Signature.getInstance(ALGORITHM);
        s.initSign(privateKey);
        s.update(signed(recordHash));
        return new HistoryRecord.Signature(publicKey, Base64.getEncoder().encodeToString(s.sign()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("signing with Ed25519 failed", e);
      }
    }
  }

  /**
   * The key pair of a 32-byte Ed25519 private key: the JDK derives the public key only while
   * generating, so generation is fed the existing private key as its randomness.
   */
  private static KeyPair pairFromSeed(byte[] seed) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
    g.initialize(
        NamedParameterSpec.ED25519,
        new SecureRandom() {
          @Override
          public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
          }
        });
    return g.generateKeyPair();
  }

  /** True when {@code s} is a valid signature of {@code recordHash} by the key it names. */
  public static boolean verify(HistoryRecord.Signature s, String recordHash) {
    try {
      PublicKey key =
          KeyFactory.getInstance(ALGORITHM)
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(s.key())));
      Signature v = Signature.getInstance(ALGORITHM);
      v.initVerify(key);
      v.update(signed(recordHash));
      return v.verify(Base64.getDecoder().decode(s.signature()));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // not a key, not base64, not a signature: it does not verify
    }
  }

  /**
   * Reads a PEM public key (X.509) as signatures name it: DER in base64.
   *
   * @throws IllegalArgumentException naming the file when it is not an Ed25519 public key
   */
  public static String readPublicKey(Path pem) {
    byte[] der = pemBody(pem, "PUBLIC KEY");
    try {
      KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(pem + ": not an Ed25519 public key (" + e + ")");
    }
    return Base64.getEncoder().encodeToString(der);
  }

  /** A short name for a key: {@code ed25519:} and the first 16 hex digits of its SHA-256. */
  public static String fingerprint(String key) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      der = key.getBytes(StandardCharsets.UTF_8);
    }
    return "ed25519:" + HexFormat.of().formatHex(HistoryFormat.digest().digest(der), 0, 8);
  }

  private static byte[] signed(String recordHash) {
    return (HistoryFormat.SIGNED_PREFIX + recordHash).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] pemBody(Path pem, String label) {
    String text;
    try {
      if (Files.size(pem) > 64 * 1024) {
        throw new IllegalArgumentException(pem + ": too large for a key file");
      }
      text = Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(pem + ": cannot read: " + e.getMessage());
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(pem + ": no '" + begin + "' block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(pem + ": the key is not base64");
    }
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }
}
