package dev.quire.relay.postgres;

import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.ClientIdStore;
import dev.quire.relay.store.DocumentFeed;
import dev.quire.relay.store.DocumentStore;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.HistoryUploads;
import dev.quire.relay.store.KeyStore;
import dev.quire.relay.store.RelayStorage;
import dev.quire.relay.store.SignatureStore;
import dev.quire.relay.store.StoreException;
import dev.quire.relay.store.UserStore;
import dev.quire.relay.store.sql.SqlClientIds;
import dev.quire.relay.store.sql.SqlDocuments;
import dev.quire.relay.store.sql.SqlKeys;
import dev.quire.relay.store.sql.SqlSignatures;
import dev.quire.relay.store.sql.SqlUploads;
import dev.quire.relay.store.sql.SqlUsers;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The relay's persistent state in a PostgreSQL database that any number of relays share: users and
 * tokens, documents and roles, client ids, and each document's history, whose revisions the
 * database assigns ({@link PgAppendGroup}). Relays hear of each other's commits through {@link
 * PgDocumentFeed}. Thread-safe.
 */
public final class PostgresStorage implements RelayStorage {
  /** How often the feed reads the heads that moved lately, in case a notification was lost. */
  public static final Duration FEED_POLL = Duration.ofSeconds(1);

  private final PgDatabase db;
  private final SqlUsers users;
  private final SqlDocuments documents;
  private final PgHistory history;
  private final SqlClientIds clientIds;
  private final SqlKeys keys;
  private final SqlUploads uploads;
  private final SqlSignatures signatures;
  private final Duration feedPoll;
  private volatile @Nullable String identity; // read once
  private @Nullable PgAppender appender;
  private @Nullable PgDocumentFeed feed;

  private PostgresStorage(PgDatabase db, Duration feedPoll) {
    this.db = db;
    this.users = PgUsers.open(db);
    this.documents = new SqlDocuments(db, PgDatabase.HISTORY_TABLES);
    this.history = new PgHistory(db);
    this.clientIds = new SqlClientIds(db);
    this.keys = new SqlKeys(db);
    this.uploads = new SqlUploads(db, PgUploadRows.INSTANCE);
    this.signatures = new SqlSignatures(db);
    this.feedPoll = feedPoll;
  }

  /**
   * Connects to the database at {@code url} with a pool of at most {@code maxConnections} and
   * migrates its schema.
   *
   * @throws dev.quire.relay.store.StoreException when it cannot be reached, refuses the login, or
   *     has a newer schema than this relay knows
   */
  public static PostgresStorage open(PgUrl url, int maxConnections) {
    return open(url, maxConnections, FEED_POLL);
  }

  /** Like {@link #open(PgUrl, int)}, its feed polling every {@code feedPoll}. */
  public static PostgresStorage open(PgUrl url, int maxConnections, Duration feedPoll) {
    return new PostgresStorage(PgDatabase.open(url, maxConnections), feedPoll);
  }

  PgDatabase database() {
    return db;
  }

  @Override
  public UserStore users() {
    return users;
  }

  @Override
  public DocumentStore documents() {
    return documents;
  }

  @Override
  public HistoryStore history() {
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
  public synchronized BatchAppender startAppender(LongConsumer commitNanos) {
    if (appender != null) {
      throw new IllegalStateException("an appender was started already");
    }
    appender = new PgAppender(db, commitNanos);
    feed(); // a running relay listens from the start: other relays' commits, token changes
    return appender;
  }

  /**
   * The feed, started with the appender (or on first use): admin commands, which start neither,
   * never listen.
   */
  @Override
  public synchronized DocumentFeed feed() {
    if (feed == null) {
      feed = new PgDocumentFeed(db.url(), db, feedPoll, users::reload);
    }
    return feed;
  }

  /** The identity every relay on this database shares, made by the schema; read once. */
  @Override
  public String identity() {
    String id = identity;
    if (id == null) {
      id =
          db.read(
              "reading the relay's identity",
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
  public boolean isHealthy() {
    return db.isHealthy();
  }

  @Override
  public String describe() {
    return "PostgreSQL " + db.url().redacted();
  }

  /** Stops the feed, decides the appends given (the relay closed the appender first), closes. */
  @Override
  public synchronized void close() {
    if (feed != null) {
      feed.close();
    }
    if (appender != null) {
      appender.close();
    }
    db.close();
  }
}
