package dev.quire.relay.postgres;

import dev.quire.relay.store.sql.SqlUsers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What users and tokens need of PostgreSQL beyond the SQL both storages share ({@link SqlUsers}):
 * every change notifies {@value #CHANNEL} in its transaction, so that each relay's {@link
 * PgDocumentFeed} hears of it and reads the tokens again (and every {@value
 * PgDocumentFeed#USERS_REFRESH_SECONDS} s anyway, in case a notification was lost). A token issued
 * through one relay works on every relay within moments, and a revoked one stops within that bound
 * at most.
 */
final class PgUsers {
  static final String CHANNEL = "quire_users";
  private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', '')";

  private PgUsers() {}

  /** The users of {@code db}, telling the other relays of each change. */
  static SqlUsers open(PgDatabase db) {
    return new SqlUsers(db, PgUsers::notifyRelays);
  }

  /** Tells every relay, when the transaction on {@code c} commits, to read the tokens again. */
  private static void notifyRelays(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(NOTIFY)) {
      s.execute();
    }
  }
}
