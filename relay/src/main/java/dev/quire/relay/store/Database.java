package dev.quire.relay.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's embedded H2 database in a data directory: opened exclusively (H2's file lock), its
 * schema brought up to date by Flyway migrations from {@code db/relay/} on the class path.
 *
 * <p>{@code WRITE_DELAY=0} makes every commit write its changes to the file before {@code commit()}
 * returns, so a committed transaction survives the process being killed (see docs/relay.md for
 * power loss). A data directory whose schema is newer than this relay knows is refused, and nothing
 * is ever cleaned or dropped.
 */
final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  static final String FILE_NAME = "relay";

  static {
    // H2 interns every value it reads or writes in a process-wide cache, hashing each string; the
    // relay streams log rows (one string each) it never compares, so that is pure cost. Must be
    // set before H2 reads its settings; an explicit -Dh2.objectCache wins.
    if (System.getProperty("h2.objectCache") == null) {
      System.setProperty("h2.objectCache", "false");
    }
  }

  private final Path dir;
  private final JdbcConnectionPool pool;
  private volatile Runnable beforeAccess; // waits for journaled appends to reach H2, or null

  private Database(Path dir, JdbcConnectionPool pool) {
    this.dir = dir;
    this.pool = pool;
  }

  static Database open(Path dataDir, int maxConnections) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while the relay's
    // hook still writes the journal's batches to it; the relay closes it itself, last.
    String url = "jdbc:h2:file:" + dir.resolve(FILE_NAME) + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "quire", "");
    pool.setMaxConnections(maxConnections);
    try (Connection c = pool.getConnection()) {
      c.isValid(1);
    } catch (SQLException e) {
      pool.dispose();
      throw new StoreException(describeOpenFailure(dir, e), e);
    }
    Database db = new Database(dir, pool);
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private static String describeOpenFailure(Path dir, SQLException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("already in use") || msg.contains("Database may be already in use")) {
      return "data directory " + dir + " is in use by another process (a running relay?)";
    }
    return "cannot open the database in " + dir + ": " + msg;
  }

  private void migrate() {
    Flyway flyway =
        Flyway.configure(Database.class.getClassLoader())
            .dataSource(pool)
            .locations("classpath:db/relay")
            .cleanDisabled(true)
            .load();
    MigrationVersion known =
        Arrays.stream(flyway.info().all())
            .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS)
            .filter(m -> m.getState() != MigrationState.FUTURE_FAILED)
            .map(MigrationInfo::getVersion)
            .max(Comparator.naturalOrder())
            .orElse(MigrationVersion.EMPTY);
    for (MigrationInfo m : flyway.info().applied()) {
      if (m.getState() == MigrationState.FUTURE_SUCCESS
          || m.getState() == MigrationState.FUTURE_FAILED) {
        throw new StoreException(
            "data directory "
                + dir
                + " has schema version "
                + m.getVersion()
                + " but this relay knows versions up to "
                + known
                + ": it was written by a newer relay. Refusing to open it; nothing was changed.");
      }
    }
    int applied = flyway.migrate().migrationsExecuted;
    if (applied > 0) {
      log.info("Data directory {}: applied {} schema migration(s), now at {}", dir, applied, known);
    }
  }

  Path dir() {
    return dir;
  }

  /** A connection that does not wait for journaled appends: for the committer only. */
  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Sets what {@link #read} and {@link #inTransaction} run first: the committer waits there until
   * the appends it acknowledged from the journal are in H2, so every read sees them (null: none).
   */
  void beforeAccess(Runnable wait) {
    beforeAccess = wait;
  }

  private Connection accessConnection() throws SQLException {
    Runnable wait = beforeAccess;
    if (wait != null) {
      wait.run();
    }
    return pool.getConnection();
  }

  /** Runs {@code work} in one transaction, committed when it returns, rolled back if it throws. */
  <T> T inTransaction(String what, SqlWork<T> work) {
    try (Connection c = accessConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  /** Runs read-only {@code work} on a connection in auto-commit mode. */
  <T> T read(String what, SqlWork<T> work) {
    try (Connection c = accessConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    pool.dispose(); // the database closes with its last connection
  }

  /** Database work that may throw {@link SQLException}. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }
}
