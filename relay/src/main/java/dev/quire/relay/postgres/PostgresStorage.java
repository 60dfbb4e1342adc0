package dev.quire.relay.postgres;

/**
 * The relay's persistent state in a PostgreSQL database that any number of relays share: users and
 * tokens, documents and roles, client ids, and each document's history, whose revisions the
 * database assigns ({@link PgAppendGroup}). Thread-safe.
 */
public final class PostgresStorage implements AutoCloseable {
  private final PgDatabase db;
  private final PgUsers users;
  private final PgDocuments documents;
  private final PgHistory history;
  private final PgClientIds clientIds;
  private final PgAppender appender;

  private PostgresStorage(PgDatabase db) {
    this.db = db;
    this.users = new PgUsers(db);
    this.documents = new PgDocuments(db);
    this.history = new PgHistory(db);
    this.clientIds = new PgClientIds(db);
    this.appender = new PgAppender(db, true);
  }

  /**
   * Connects to the database at {@code url} with a pool of at most {@code maxConnections} and
   * migrates its schema.
   *
   * @throws dev.quire.relay.store.StoreException when it cannot be reached, refuses the login, or
   *     has a newer schema than this relay knows
   */
  public static PostgresStorage open(PgUrl url, int maxConnections) {
    return new PostgresStorage(PgDatabase.open(url, maxConnections));
  }

  PgDatabase database() {
    return db;
  }

  PgUsers users() {
    return users;
  }

  PgDocuments documents() {
    return documents;
  }

  PgHistory history() {
    return history;
  }

  PgClientIds clientIds() {
    return clientIds;
  }

  PgAppender appender() {
    return appender;
  }

  /** True when the database answers. */
  public boolean isHealthy() {
    return db.isHealthy();
  }

  /** Commits the appends already given, then closes the pool. */
  @Override
  public void close() {
    appender.close();
    db.close();
  }
}
