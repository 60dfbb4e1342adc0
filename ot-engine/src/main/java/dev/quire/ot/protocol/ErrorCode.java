package dev.quire.ot.protocol;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Why the relay refused something. Each code says whether retrying the same request later can help
 * ({@link #retry()}) and whether the relay closes the connection after sending it ({@link
 * #closes()}). On the wire a code is its name in upper case, e.g. {@code "BASE_AHEAD"}.
 */
public enum ErrorCode {
  /** The first message was not {@code hello}, or {@code hello} came twice. */
  HELLO_REQUIRED(false, true),
  /** The client speaks another protocol version. */
  PROTOCOL_VERSION(false, true),
  /** The token is missing, unknown or revoked. */
  UNAUTHORIZED(false, true),
  /**
   * {@code hello} states a client id that belongs to another user: each client id is bound to the
   * first user who said hello with it. The client must use its own id.
   */
  CLIENT_ID_TAKEN(false, true),
  /** Not one JSON object, or a field missing, of the wrong type, or out of range. */
  MALFORMED(false, false),
  /** A {@code type} this relay does not know. */
  UNKNOWN_TYPE(false, false),
  /** A message over the {@code maxMessageBytes} limit. */
  MESSAGE_TOO_LARGE(false, true),
  /** A batch with more operations than the {@code maxBatchOperations} limit; split it. */
  BATCH_TOO_LARGE(false, false),
  /** Too many messages too fast; the message was dropped. */
  RATE_LIMITED(true, false),
  /** No such document, or one the user may not see. */
  UNKNOWN_DOCUMENT(false, false),
  /** The user's role on the document does not allow this. */
  FORBIDDEN(false, false),
  /** A document with this id exists already (and the user does not own it). */
  DOCUMENT_EXISTS(false, false),
  /** {@code share} names a user the relay does not know. */
  UNKNOWN_USER(false, false),
  /** A batch's base revision, or an open's from revision, is beyond the document's head. */
  BASE_AHEAD(false, false),
  /** A batch's operations do not apply to the document at its base revision. */
  OPERATION_MISMATCH(false, false),
  /** A batch reuses (client id, batch seq) of an earlier batch with other content. */
  BATCH_CONFLICT(false, false),
  /** A submitted batch states another client id than the connection's {@code hello}. */
  CLIENT_ID_MISMATCH(false, false),
  /** {@code presence} for a document the connection has not opened. */
  NOT_SUBSCRIBED(false, false),
  /**
   * An {@code upload} disagrees with what the relay holds: a batch differs from the one stored at
   * its revisions, the page leaves a gap after the relay's head, or a batch's client id belongs to
   * another user than its author. Nothing of the page was stored. Since protocol version 5.
   */
  HISTORY_MISMATCH(false, false),
  /**
   * A {@code submit} to a document whose history is being uploaded ({@code upload}) and is not
   * complete yet: send it again once it is. Since protocol version 5.
   */
  UPLOAD_IN_PROGRESS(true, false),
  /** The document's stored history cannot be read as operations by this relay. */
  UNREADABLE_DOCUMENT(false, false),
  /** The relay is stopping; reconnect later. */
  SHUTTING_DOWN(true, true),
  /** The connection does not read what it is sent and its queue is full. */
  TOO_SLOW(true, true),
  /** Something failed inside the relay; nothing was stored. Retrying may help. */
  INTERNAL(true, false),
  /**
   * Protocol 6: a batch of an encrypted document sealed under an epoch that is no longer current:
   * fetch the new key, seal the batch again (same batch seq) and send it.
   */
  STALE_EPOCH(true, false),
  /** Protocol 6: the connection's device has no keys registered (send {@code device} first). */
  UNKNOWN_DEVICE(false, false),
  /** Protocol 6: an encrypted batch whose signature does not verify with its device's key. */
  BAD_SIGNATURE(false, false),
  /** Protocol 6: {@code device} with other keys than the ones registered for the device. */
  DEVICE_KEY_CHANGED(false, false),
  /**
   * Protocol 8: the connection's device was revoked by its user ({@code revokeDevice}); the relay
   * takes nothing more from it. Sent in answer to {@code hello}, or to a connection of the device
   * when it is revoked, and the connection closes.
   */
  DEVICE_REVOKED(false, true),
  /**
   * Protocol 6: a key request ({@code devices}, {@code keys}, {@code seal}) for a readable
   * document.
   */
  NOT_ENCRYPTED(false, false);

  private final boolean retry;
  private final boolean closes;

  ErrorCode(boolean retry, boolean closes) {
    this.retry = retry;
    this.closes = closes;
  }

  /** Whether sending the same request again later can succeed. */
  public boolean retry() {
    return retry;
  }

  /** Whether the relay closes the connection after this error. */
  public boolean closes() {
    return closes;
  }

  /** The wire form. */
  public String wireName() {
    return name();
  }

  /** The code for a wire name, or null when unknown. */
  static @Nullable ErrorCode fromWire(String name) {
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
