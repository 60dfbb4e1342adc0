package dev.quire.ot.crypto;

/** An encrypted batch that does not verify or decrypt; nothing of it may be used. */
public final class UnreadableBatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnreadableBatchException(String message) {
    super(message);
  }
}
