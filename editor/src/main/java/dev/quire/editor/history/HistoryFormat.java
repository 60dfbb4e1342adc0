package dev.quire.editor.history;

import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.history.HistoryChain;

/** The constants of the history file format and the one hash it uses. */
public final class HistoryFormat {
  /** The {@code format} member of every header. */
  public static final String NAME = "quire-history";

  /**
   * The format version this build writes. Version 2 added each revision's {@code madeAt}, the
   * header's optional {@code relayKey} and the relay's {@code relay} records; version 3 the
   * revisions' optional {@code notes} and {@code sent}.
   */
  public static final int VERSION = 3;

  /**
   * The version of the ciphertext chain of an encrypted document: its revisions hold the sealed
   * batches as the relay sequenced them, its {@code device} records the devices' signing keys
   * ({@link SealedHistoryWriter}). Plaintext histories stay at {@link #VERSION}.
   */
  public static final int SEALED_VERSION = 4;

  /** The oldest version this build reads. */
  public static final int FIRST_VERSION = 1;

  /** Checkpoint records are written every this many revisions unless asked otherwise. */
  public static final int DEFAULT_CHECKPOINT_EVERY = 1000;

  /** No record (one line) may be longer than this many bytes; longer ones are refused unread. */
  public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

  /** What a signature signs, before the record's hash: separates it from any other use of a key. */
  static final String SIGNED_PREFIX = "quire-history/1 checkpoint ";

  private HistoryFormat() {}

  /** SHA-256 of the UTF-8 bytes of {@code text}, in lower-case hex. */
  public static String sha256(String text) {
    return HistoryChain.sha256(text);
  }

  /** Appends {@code "name":} to an object being written in canonical (sorted) member order. */
  static StringBuilder member(StringBuilder out, String name) {
    if (out.charAt(out.length() - 1) != '{') {
      out.append(',');
    }
    CanonicalJson.appendString(out, name);
    return out.append(':');
  }
}
