package dev.quire.editor.history;

import dev.quire.ot.history.Ed25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

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
      this.publicKey = Ed25519.publicKey(pair);
    }

    /** A new random key (tests). */
    public static Signer generate() {
      return new Signer(Ed25519.generate());
    }

    /** The signer of a PKCS#8 private key (DER), such as the profile's device key. */
    public static Signer of(byte[] pkcs8) {
      return new Signer(Ed25519.fromPrivate(pkcs8));
    }

    /**
     * Reads a PKCS#8 PEM private key.
     *
     * @throws IllegalArgumentException naming the file when it is not an Ed25519 private key
     */
    public static Signer read(Path pem) {
      byte[] der = pemBody(pem, "PRIVATE KEY");
      try {
        return of(der);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(pem + ": " + e.getMessage());
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
      return new HistoryRecord.Signature(publicKey, Ed25519.sign(privateKey, signed(recordHash)));
    }
  }

  /** True when {@code s} is a valid signature of {@code recordHash} by the key it names. */
  public static boolean verify(HistoryRecord.Signature s, String recordHash) {
    return Ed25519.verify(s.key(), signed(recordHash), s.signature());
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
    return Ed25519.fingerprint(key);
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
