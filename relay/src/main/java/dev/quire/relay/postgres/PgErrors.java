package dev.quire.relay.postgres;

import java.sql.SQLException;

/** What a PostgreSQL error code (SQLSTATE) says about a failure. */
final class PgErrors {
  static final String UNIQUE_VIOLATION = "23505";

  private PgErrors() {}

  /**
   * True for the database being unreachable, shutting down, starting up or out of connections: the
   * same work succeeds once it is back.
   */
  static boolean isUnavailable(SQLException e) {
    String state = e.getSQLState();
    return state == null // pgjdbc gives none for some I/O failures
        || state.startsWith("08") // connection exception
        || state.startsWith("57P") // operator intervention: shutdown, crash, cannot connect now
        || state.startsWith("53"); // insufficient resources (too many connections)
  }

  /** True for a deadlock or serialization failure: running the transaction again may succeed. */
  static boolean isSerializationFailure(SQLException e) {
    return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
  }
}
