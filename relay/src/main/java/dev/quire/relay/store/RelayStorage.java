package dev.quire.relay.store;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Everything the relay persists: users and tokens, documents and roles, each document's history,
 * client ids, and the way batches are appended. {@link EmbeddedStorage} (H2 plus a journal in a
 * data directory) is the default implementation.
 *
 * <p>Implementations are thread-safe. Their methods may block on I/O: the relay calls them on its
 * document and loader threads, never on its network threads. Failures are {@link StoreException}s.
 */
public interface RelayStorage extends AutoCloseable {

  UserStore users();

  DocumentStore documents();

  HistoryStore history();

  ClientIdStore clientIds();

  /** Histories uploaded by clients to refill this storage (protocol 5's {@code upload}). */
  HistoryUploads uploads();

  /** Device keys, key epochs and sealed document keys of encrypted documents (protocol 6). */
  KeyStore keys();

  /** The relay's signing key and its signed checkpoints (protocol 5's {@code signatures}). */
  SignatureStore signatures();

  /**
   * This storage's identity: a random UUID made once, when the storage is created, and kept with
   * its data for good. Every relay serving the same storage has it; a relay given another storage
   * (or a wiped one) has another. Welcome messages carry it, so that clients can tell whether two
   * relays share a history. Read once; cheap to call again.
   *
   * @throws StoreException when it cannot be read
   */
  String identity();

  /**
   * Starts appending batches; {@code commitNanos} is told how long each durable write took (one
   * write may hold many appends). Called once; close the appender before this storage.
   *
   * @throws IllegalStateException when an appender was started already
   * @throws StoreException when it cannot start
   */
  BatchAppender startAppender(LongConsumer commitNanos);

  /**
   * How this relay hears of, and tells, other relay processes on the same storage: {@link
   * DocumentFeed#NONE} when it is the only one. Closed with the storage.
   */
  default DocumentFeed feed() {
    return DocumentFeed.NONE;
  }

  /** True when the storage answers a trivial query and takes appends. Never throws. */
  boolean isHealthy();

  /** Backups written by the relay itself, when this storage can make them. */
  default Optional<StorageBackups> backups() {
    return Optional.empty();
  }

  /** The local directory holding the data, when there is one (admin commands find it there). */
  default Optional<Path> dataDir() {
    return Optional.empty();
  }

  /** Where the data is, for logs: a directory, or a database address without secrets. */
  String describe();

  /** Writes out what is pending and releases the storage. Idempotent; never throws. */
  @Override
  void close();
}
