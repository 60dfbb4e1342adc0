package dev.quire.editor.store;

import org.jspecify.annotations.Nullable;

/** A local store operation failed; the message says what and why. Nothing was half-written. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
