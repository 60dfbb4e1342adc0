package dev.quire.relay.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the stores both storages share ({@link SqlDocuments}, {@link SqlUsers}, {@link
 * SqlClientIds}, {@link SqlSignatures}, {@link SqlUploads}, {@link SqlKeys}) need of a database:
 * reads, changes in one transaction, and the few places where the SQL of the embedded H2 and of
 * PostgreSQL differ ({@link SqlDialect}). Every failure surfaces as a {@link
 * dev.quire.relay.store.StoreException} naming what failed.
 */
public interface SqlDatabase {

  /**
   * Runs read-only {@code work} on a connection in auto-commit mode, after what {@code scope}
   * names.
   */
  <T> T read(Scope scope, String what, SqlWork<T> work);

  /**
   * Runs {@code work} in one transaction, after what {@code scope} names: committed when it
   * returns, rolled back if it throws. What it writes goes through {@link Changes#update}, so that
   * a database that journals its changes (the embedded one) can.
   */
  <T> T change(Scope scope, String what, ChangeWork<T> work);

  /** Where this database's SQL differs. */
  SqlDialect dialect();

  /** The writes of one transaction. */
  interface Changes {
    /** For reads that decide what to change; what is written goes through {@link #update}. */
    Connection connection();

    /**
     * Runs one statement with {@code args} (String, Long, Integer, byte[] or null); returns how
     * many rows it changed.
     */
    int update(String sql, Object... args) throws SQLException;
  }

  /** Database work that may throw {@link SQLException}. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Work that changes the database through {@link Changes}. */
  @FunctionalInterface
  interface ChangeWork<T> {
    T run(Changes changes) throws SQLException;
  }
}
