package dev.quire.relay.store;

import dev.quire.relay.store.sql.SchemaMigration;
import dev.quire.relay.store.sql.SqlDatabase;
import dev.quire.relay.store.sql.SqlDialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's embedded H2 database in a data directory: opened exclusively (H2's file lock), its
 * schema brought up to date by Flyway migrations from {@code db/relay/} on the class path.
 *
 * <p>{@code WRITE_DELAY=0} makes every commit write its changes to the file before {@code commit()}
 * returns. That is not enough to survive the process being killed: H2 (2.x) writes a commit that
 * reuses free space in the file without pointing its file header at it, and after a crash it may
 * open the file at an older commit. So H2's file is trusted only once H2 was closed cleanly ({@link
 * #reopen}); until then the journal holds every acknowledged batch and every other change ({@link
 * #change}) too. A data directory whose schema is newer than this relay knows is refused, and
 * nothing is ever cleaned or dropped.
 */
final class Database implements SqlDatabase, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  static final String FILE_NAME = "relay";

  /** The tables keyed by {@code doc_id} that hold a document's history, which a purge empties. */
  static final List<String> HISTORY_TABLES =
      List.of("log", "batches", "latest_batches", "checkpoints");

  static {
    // H2 interns every value it reads or writes in a process-wide cache, hashing each string; the
    // relay streams log rows (one string each) it never compares, so that is pure cost. Must be
    // set before H2 reads its settings; an explicit -Dh2.objectCache wins.
    if (System.getProperty("h2.objectCache") == null) {
      System.setProperty("h2.objectCache", "false");
    }
  }

  private final Path dir;
  private final String url;
  private final int maxConnections;
  private volatile JdbcConnectionPool pool; // replaced by reopen
  // Held shared by every read and change, exclusively by reopen.
  private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
  private volatile AppendGate gate; // waits for journaled appends to reach H2, or null
  private volatile Consumer<StoredChange> changeLog; // journals each committed change, or null

  private Database(Path dir, String url, int maxConnections, JdbcConnectionPool pool) {
    this.dir = dir;
    this.url = url;
    this.maxConnections = maxConnections;
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
    Database db = new Database(dir, url, maxConnections, connect(dir, url, maxConnections));
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private static JdbcConnectionPool connect(Path dir, String url, int maxConnections) {
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "quire", "");
    pool.setMaxConnections(maxConnections);
    try (Connection c = pool.getConnection()) {
      c.isValid(1);
    } catch (SQLException e) {
      pool.dispose();
      throw new StoreException(describeOpenFailure(dir, e), e);
    }
    return pool;
  }

  /**
   * Closes H2 cleanly and opens it again, so that its file holds, findably, everything committed so
   * far: only then may the journal be emptied. Waits for reads and changes under way and holds new
   * ones meanwhile; connections from {@link #connection} must be closed before.
   */
  void reopen() {
    inUse.writeLock().lock();
    try {
      pool.dispose(); // H2 closes with its last connection, writing its file completely
      pool = connect(dir, url, maxConnections);
    } finally {
      inUse.writeLock().unlock();
    }
  }

  private static String describeOpenFailure(Path dir, SQLException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("already in use") || msg.contains("Database may be already in use")) {
      return "data directory " + dir + " is in use by another process (a running relay?)";
    }
    return "cannot open the database in " + dir + ": " + msg;
  }

  private void migrate() {
    SchemaMigration.Applied applied =
        SchemaMigration.migrate(pool, "classpath:db/relay", "data directory " + dir);
    if (applied.migrations() > 0) {
      log.info(
          "Data directory {}: applied {} schema migration(s), now at {}",
          dir,
          applied.migrations(),
          applied.version());
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
   * Which acknowledged appends an access waits for, before it touches H2, so that it sees them:
   * those of every document, of one, or none (for tables appends never touch: users, tokens, roles,
   * client ids).
   */
  static final class Scope {
    static final Scope ALL = new Scope(null);
    static final Scope NONE = new Scope(null);
    final String doc;

    private Scope(String doc) {
      this.doc = doc;
    }

    /** The appends of {@code doc}. */
    static Scope document(String doc) {
      return new Scope(java.util.Objects.requireNonNull(doc, "doc == null"));
    }
  }

  /** Waits until acknowledged appends are in H2 (the committer). */
  interface AppendGate {
    /** Every append given before the call. */
    void awaitAll();

    /** Every append of {@code doc} given before the call. */
    void awaitDocument(String doc);
  }

  /** Sets what accesses wait on first (null: nothing to wait for). */
  void gate(AppendGate g) {
    gate = g;
  }

  /** Sets what is told each committed change, before {@link #change} returns (null: nobody). */
  void changeLog(Consumer<StoredChange> log) {
    changeLog = log;
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns, rolled back if it throws; the
   * statements it ran through {@link Changes#update} are then journaled, so that the change
   * survives a crash as an acknowledged batch does. For every write other than appends.
   */
  <T> T change(String what, ChangeWork<T> work) {
    return change(Scope.ALL, what, work);
  }

  /** Like {@link #change(String, ChangeWork)}, waiting only for the appends {@code scope} names. */
  <T> T change(Scope scope, String what, ChangeWork<T> work) {
    Changes changes = new Changes();
    T result =
        inTransaction(
            scope,
            what,
            c -> {
              changes.connection = c;
              return work.run(changes);
            });
    Consumer<StoredChange> log = changeLog;
    if (log != null && !changes.statements.isEmpty()) {
      log.accept(new StoredChange(changes.statements));
    }
    return result;
  }

  /** Runs {@code work} in one transaction, committed when it returns, rolled back if it throws. */
  <T> T inTransaction(String what, SqlWork<T> work) {
    return inTransaction(Scope.ALL, what, work);
  }

  /** Like {@link #inTransaction(String, SqlWork)}, waiting only for what {@code scope} names. */
  <T> T inTransaction(Scope scope, String what, SqlWork<T> work) {
    return withConnection(
        scope,
        what,
        c -> {
          c.setAutoCommit(false);
          try {
            T result = work.run(c);
            c.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          }
        });
  }

  /** Runs read-only {@code work} on a connection in auto-commit mode. */
  <T> T read(String what, SqlWork<T> work) {
    return withConnection(Scope.ALL, what, work);
  }

  /** Like {@link #read(String, SqlWork)}, waiting only for the appends {@code scope} names. */
  <T> T read(Scope scope, String what, SqlWork<T> work) {
    return withConnection(scope, what, work);
  }

  private <T> T withConnection(Scope scope, String what, SqlWork<T> work) {
    AppendGate g = gate;
    if (g != null && scope != Scope.NONE && inUse.getReadHoldCount() == 0) { // nested: waited
      if (scope.doc == null) {
        g.awaitAll();
      } else {
        g.awaitDocument(scope.doc);
      }
    }
    inUse.readLock().lock();
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    } finally {
      inUse.readLock().unlock();
    }
  }

  @Override
  public <T> T read(
      dev.quire.relay.store.sql.Scope scope, String what, SqlDatabase.SqlWork<T> work) {
    return withConnection(scope(scope), what, work);
  }

  @Override
  public <T> T change(
      dev.quire.relay.store.sql.Scope scope, String what, SqlDatabase.ChangeWork<T> work) {
    return change(scope(scope), what, work);
  }

  @Override
  public SqlDialect dialect() {
    return H2Dialect.INSTANCE;
  }

  private static Scope scope(dev.quire.relay.store.sql.Scope s) {
    return s == dev.quire.relay.store.sql.Scope.ALL
        ? Scope.ALL
        : s == dev.quire.relay.store.sql.Scope.NONE ? Scope.NONE : Scope.document(s.doc());
  }

  @Override
  public void close() {
    pool.dispose(); // the database closes with its last connection
  }

  /** The statements a change ran, as the journal keeps them. */
  static final class Changes implements SqlDatabase.Changes {
    private final List<StoredChange.Statement> statements = new ArrayList<>();
    private Connection connection;

    /** For reads that decide what to change; what is written goes through {@link #update}. */
    @Override
    public Connection connection() {
      return connection;
    }

    /**
     * Runs one statement with {@code args} (String, Long, Integer, byte[] or null) and records it
     * for the journal when it changed a row; returns how many rows it changed.
     */
    @Override
    public int update(String sql, Object... args) throws SQLException {
      StoredChange.Statement statement = new StoredChange.Statement(sql, Arrays.asList(args));
      int changed = statement.run(connection);
      if (changed > 0) {
        statements.add(statement);
      }
      return changed;
    }
  }
}
