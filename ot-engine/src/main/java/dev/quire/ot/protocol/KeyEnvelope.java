package dev.quire.ot.protocol;

/**
 * A document key sealed to one device (protocol 6): in {@code seal}, the recipient; in {@code
 * keys}, the sender ({@code user}, {@code clientId}) of an envelope for the asking device. The
 * envelope is opaque to the relay (HPKE, see docs/encryption.md), at most {@link #MAX_ENVELOPE}
 * characters of base64.
 *
 * @param epoch the epoch of the key inside
 */
public record KeyEnvelope(long epoch, String user, String clientId, String envelope) {
  /** Base64 characters of an envelope at most: far above an HPKE-sealed 32-byte key. */
  public static final int MAX_ENVELOPE = 1024;

  public KeyEnvelope {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
    }
    Ids.requireUserName(user);
    Ids.requireText("clientId", clientId, Ids.MAX_NAME);
    Ids.requireText("envelope", envelope, MAX_ENVELOPE);
    try {
      java.util.Base64.getDecoder().decode(envelope);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("envelope is not base64");
    }
  }
}
