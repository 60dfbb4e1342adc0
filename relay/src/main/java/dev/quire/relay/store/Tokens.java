package dev.quire.relay.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Access tokens: 256 random bits, shown once as base64url text; stored only as their SHA-256. */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /**
   * A new random token. Never one that starts with {@code -}: a command line would take {@code
   * --token -hV...} for options (picocli does), so such a token, printed once, could not be used.
   */
  public static String generate() {
    byte[] bytes = new byte[32];
    String token;
    do {
      RANDOM.nextBytes(bytes);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (token.startsWith("-"));
    return token;
  }

  /** The SHA-256 of the token's UTF-8 text: what the database keeps. */
  public static byte[] hash(String token) {
    return sha256(token.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
