package dev.quire.editor.store;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A profile's store could not be opened. The file was left exactly as it was: a store is never
 * overwritten, cleaned or deleted because it could not be opened.
 */
public final class StoreOpenException extends StoreException {
  /** Why the store could not be opened. */
  public enum Reason {
    /** Another running Quire (or another store in this process) has the profile open. */
    LOCKED,
    /** The database file is not a readable H2 database. */
    CORRUPT,
    /** The profile was written by a newer Quire whose schema this build does not know. */
    NEWER_SCHEMA,
    /** The profile directory or file cannot be created, read or written. */
    IO
  }

  private final Reason reason;

  public StoreOpenException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  public Reason reason() {
    return reason;
  }
}
