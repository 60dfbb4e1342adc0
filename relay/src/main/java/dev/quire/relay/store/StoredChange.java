package dev.quire.relay.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A committed change other than an append (a document created, renamed or deleted, a role, a user,
 * a token, a client id bound): the statements that made it, kept in the journal so that replaying
 * them after a crash restores it. Each statement gives the same result when run again on a database
 * that already has it, or fails as a duplicate, which replay ignores.
 */
record StoredChange(List<Statement> statements) {
  StoredChange {
    statements = List.copyOf(statements);
    if (statements.isEmpty()) {
      throw new IllegalArgumentException("a change without statements");
    }
  }

  /** One SQL statement with its arguments: String, Long, Integer, byte[] or null each. */
  record Statement(String sql, List<Object> args) {
    Statement {
      Objects.requireNonNull(sql, "sql == null");
      args = Collections.unmodifiableList(new ArrayList<>(args)); // nulls allowed
      for (Object a : args) {
        if (a != null
            && !(a instanceof String)
            && !(a instanceof Long)
            && !(a instanceof Integer)
            && !(a instanceof byte[])) {
          throw new IllegalArgumentException("cannot journal an argument of " + a.getClass());
        }
      }
    }

    /** Runs it on {@code c}; returns how many rows it changed. */
    int run(Connection c) throws SQLException {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) {
          Object a = args.get(i);
          if (a == null) {
            s.setNull(i + 1, Types.NULL);
          } else if (a instanceof byte[] bytes) {
            s.setBytes(i + 1, bytes);
          } else {
            s.setObject(i + 1, a);
          }
        }
        return s.executeUpdate();
      }
    }
  }
}
