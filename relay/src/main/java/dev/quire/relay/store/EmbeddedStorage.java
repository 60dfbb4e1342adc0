package dev.quire.relay.store;

import dev.quire.relay.store.sql.SqlClientIds;
import dev.quire.relay.store.sql.SqlDocuments;
import dev.quire.relay.store.sql.SqlKeys;
import dev.quire.relay.store.sql.SqlSignatures;
import dev.quire.relay.store.sql.SqlUploads;
import dev.quire.relay.store.sql.SqlUsers;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's persistent state in a data directory (the default, {@code --data DIR}): H2 plus a
 * journal that makes appends durable in groups ({@link GroupCommitter}, ADR 0006). It assumes it is
 * the only writer of its directory (H2 locks it), so its appender never reports a conflict.
 * Thread-safe; every method runs in its own transaction.
 */
public final class EmbeddedStorage implements RelayStorage, StorageBackups {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStorage.class);
  private final Database db;
  private final Journal journal;
  private volatile GroupCommitter committer;
  private boolean closed; // guarded by this
  private final SqlUsers users;
  private final SqlDocuments documents;
  private final H2HistoryStore history;
  private final SqlClientIds clientIds;
  private final SqlUploads uploads;
  private final SqlSignatures signatures;
  private final SqlKeys keys;
  private volatile String identity; // read once

  private EmbeddedStorage(Database db, Journal journal) {
    this.db = db;
    this.journal = journal;
    this.users = new SqlUsers(db, SqlUsers.ChangeHook.NONE);
    this.documents = new SqlDocuments(db, Database.HISTORY_TABLES);
    this.history = new H2HistoryStore(db);
    this.clientIds = new SqlClientIds(db);
    this.uploads = new SqlUploads(db, H2UploadRows.INSTANCE);
    this.signatures = new SqlSignatures(db);
    this.keys = new SqlKeys(db);
  }

  /**
   * Opens (creating if needed) the store in {@code dataDir} and migrates its schema.
   *
   * @throws StoreException when the directory is in use, unreadable, or has a newer schema
   */
  public static EmbeddedStorage open(Path dataDir, int maxConnections) {
    return open(dataDir, maxConnections, false);
  }

  /**
   * Opens the store as {@link #open(Path, int)} does; with {@code syncWrites}, every journal write
   * is forced to the disk before it counts as committed.
   */
  public static EmbeddedStorage open(Path dataDir, int maxConnections, boolean syncWrites) {
    Database db = Database.open(dataDir, maxConnections);
    Journal journal = null;
    try {
      journal = Journal.open(db.dir(), syncWrites);
      if (JournalReplay.replay(db, journal)) {
        db.reopen(); // H2 now holds, findably, what the journal did: only then empty it
        journal.clear();
      }
      EmbeddedStorage store = new EmbeddedStorage(db, journal);
      db.changeLog(store::journal);
      return store;
    } catch (RuntimeException e) {
      if (journal != null) {
        journal.close();
      }
      db.close();
      throw e;
    }
  }

  Journal journal() {
    return journal;
  }

  /** Journals a change H2 committed, before it is confirmed to anybody. */
  private void journal(StoredChange change) {
    GroupCommitter c = committer;
    if (c != null) {
      c.journal(change);
    } else {
      synchronized (journal) {
        journal.write(change);
      }
    }
  }

  public Path dir() {
    return db.dir();
  }

  @Override
  public Optional<Path> dataDir() {
    return Optional.of(db.dir());
  }

  @Override
  public String describe() {
    return db.dir().toString();
  }

  @Override
  public UserStore users() {
    return users;
  }

  @Override
  public DocumentStore documents() {
    return documents;
  }

  /** The history, with its synchronous {@link H2HistoryStore#append} (tests, tools). */
  @Override
  public H2HistoryStore history() {
    return history;
  }

  @Override
  public KeyStore keys() {
    return keys;
  }

  @Override
  public ClientIdStore clientIds() {
    return clientIds;
  }

  @Override
  public HistoryUploads uploads() {
    return uploads;
  }

  @Override
  public SignatureStore signatures() {
    return signatures;
  }

  @Override
  public String identity() {
    String id = identity;
    if (id == null) {
      id =
          db.read(
              Database.Scope.NONE,
              "read the relay's identity",
              c -> {
                try (var s = c.createStatement();
                    var rs = s.executeQuery("SELECT id FROM relay_identity")) {
                  if (!rs.next()) {
                    throw new StoreException("the database has no relay identity");
                  }
                  return rs.getString(1);
                }
              });
      identity = id;
    }
    return id;
  }

  @Override
  public Optional<StorageBackups> backups() {
    return Optional.of(this);
  }

  /**
   * Writes a verified backup of the database, while it is in use, to a new zip file in {@code dir}
   * named after the time ({@link RelayBackup}); returns its path. Restore by unzipping it into an
   * empty data directory.
   *
   * @throws StoreException when it cannot be written or does not verify; no zip is left then
   */
  @Override
  public Path backup(Path dir) {
    Path target =
        dir.toAbsolutePath()
            .resolve(
                "relay-"
                    + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(java.time.Instant.now())
                    + ".zip");
    backupTo(target);
    return target;
  }

  /**
   * Writes a verified backup to {@code file}, which must not exist; it holds every batch
   * acknowledged before this call ({@link RelayBackup}).
   *
   * @throws StoreException when it cannot be written or does not verify; no file is left then
   */
  @Override
  public RelayBackup.Summary backupTo(Path file) {
    return RelayBackup.write(db, () -> committer == null ? null : committer.failure(), file);
  }

  /**
   * Starts the threads that commit appends in groups ({@link GroupCommitter}); {@code commitNanos}
   * is told how long each journal write took. Close it before this store.
   */
  @Override
  public GroupCommitter startAppender(LongConsumer commitNanos) {
    if (committer != null) {
      throw new IllegalStateException("a committer is already running");
    }
    committer = new GroupCommitter(db, journal, commitNanos);
    return committer;
  }

  /** True when the database answers a trivial query and takes what the journal holds. */
  @Override
  public boolean isHealthy() {
    GroupCommitter c = committer;
    if (c != null && c.failure() != null) {
      return false;
    }
    try {
      return db.read(Database.Scope.NONE, "health check", conn -> conn.isValid(1));
    } catch (StoreException e) {
      return false;
    }
  }

  /**
   * Writes what the journal holds to H2, closes H2 (which writes its file completely), and only
   * then empties the journal: a crash at any point leaves every acknowledged batch in one of them.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    GroupCommitter c = committer;
    if (c != null) {
      c.close(); // idempotent: the relay closes it first
    }
    db.close();
    // Without a committer (an admin command) the journal keeps the changes made: the next start
    // runs them again, harmlessly, and empties it.
    if (c != null && c.drained()) {
      try {
        journal.clear();
      } catch (StoreException e) {
        log.warn("{}; it is read again on the next start", e.getMessage());
      }
    }
    journal.close();
  }
}
