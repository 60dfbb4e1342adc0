package dev.quire.relay.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.quire.relay.store.StoreException;
import dev.quire.relay.store.sql.SchemaMigration;
import dev.quire.relay.store.sql.Scope;
import dev.quire.relay.store.sql.SqlDatabase;
import dev.quire.relay.store.sql.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database shared by any number of relays: a HikariCP connection pool on it, and its
 * schema brought up to date by Flyway migrations from {@code db/relay-pg/} (Flyway takes a lock in
 * the database, so relays starting together migrate it once). Every failure, the database being
 * unreachable or restarting included, surfaces as a {@link StoreException} naming what failed; the
 * pool replaces broken connections by itself, so work succeeds again once the database is back.
 */
final class PgDatabase implements SqlDatabase, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgDatabase.class);
  // How long work waits for a connection before it fails (and the relay answers "retry later").
  private static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

  /** The tables keyed by {@code doc_id} that hold a document's history, which a purge empties. */
  static final List<String> HISTORY_TABLES = List.of("batches", "latest_batches", "checkpoints");

  private final PgUrl url;
  private final HikariDataSource pool;

  private PgDatabase(PgUrl url, HikariDataSource pool) {
    this.url = url;
    this.pool = pool;
  }

  /**
   * Connects to the database at {@code url} with at most {@code maxConnections} connections and
   * migrates its schema.
   *
   * @throws StoreException when it cannot be reached, refuses the login, or has a newer schema
   */
  static PgDatabase open(PgUrl url, int maxConnections) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    url.user().ifPresent(config::setUsername);
    url.password().ifPresent(config::setPassword);
    config.setMaximumPoolSize(maxConnections);
    config.setMinimumIdle(Math.min(2, maxConnections));
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    config.setPoolName("quire-relay-pg");
    config.setAutoCommit(true);
    // Server-side prepared statements from the first use (the relay repeats a few statements).
    config.addDataSourceProperty("prepareThreshold", "1");
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", "quire-relay");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreException(
          "cannot connect to the database " + url.redacted() + ": " + cause.getMessage(), e);
    }
    PgDatabase db = new PgDatabase(url, pool);
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private void migrate() {
    SchemaMigration.Applied applied =
        SchemaMigration.migrate(pool, "classpath:db/relay-pg", "the database " + url.redacted());
    if (applied.migrations() > 0) {
      log.info("Database {}: applied {} schema migration(s)", url.redacted(), applied.migrations());
    }
  }

  PgUrl url() {
    return url;
  }

  /** A connection from the pool, for work that manages its own transactions; close it. */
  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** Runs {@code work} in one transaction, committed when it returns, rolled back if it throws. */
  <T> T inTransaction(String what, SqlWork<T> work) {
    return read(
        what,
        c -> {
          c.setAutoCommit(false);
          try {
            T result = work.run(c);
            c.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        });
  }

  /** Runs {@code work} on a connection in auto-commit mode. */
  <T> T read(String what, SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** PostgreSQL holds every acknowledged append: nothing to wait for, whatever the scope. */
  @Override
  public <T> T read(Scope scope, String what, SqlDatabase.SqlWork<T> work) {
    return read(what, work);
  }

  /** PostgreSQL holds every acknowledged append: nothing to wait for, whatever the scope. */
  @Override
  public <T> T change(Scope scope, String what, SqlDatabase.ChangeWork<T> work) {
    return inTransaction(what, c -> work.run(new Statements(c)));
  }

  @Override
  public SqlDialect dialect() {
    return PgDialect.INSTANCE;
  }

  /** A transaction's writes, run as they come: PostgreSQL keeps them itself. */
  private record Statements(Connection connection) implements SqlDatabase.Changes {
    @Override
    public int update(String sql, Object... args) throws SQLException {
      try (PreparedStatement s = connection.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          if (args[i] == null) {
            s.setNull(i + 1, Types.NULL);
          } else if (args[i] instanceof byte[] bytes) {
            s.setBytes(i + 1, bytes);
          } else {
            s.setObject(i + 1, args[i]);
          }
        }
        return s.executeUpdate();
      }
    }
  }

  /** A {@link StoreException} saying that {@code what} failed because of {@code e}. */
  static StoreException failure(String what, SQLException e) {
    return new StoreException(what + " failed: " + e.getMessage(), e);
  }

  /**
   * Rolls back, ignoring a failure: the connection is already broken then, and the pool drops it.
   */
  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // nothing was committed; the pool evicts a broken connection
    }
  }

  /** True when a connection can be had and answers within a second. */
  boolean isHealthy() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
