package dev.quire.relay.store.sql;

import dev.quire.relay.store.ClientIdStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which user each client id belongs to: the first user who said hello with it, through whichever
 * relay, for good. Bindings are never removed, so they are cached once read and a reconnecting
 * client costs no query.
 */
public final class SqlClientIds implements ClientIdStore {
  private static final String DUPLICATE_KEY = "23505";

  private final SqlDatabase db;
  private final ConcurrentHashMap<String, String> owners = new ConcurrentHashMap<>();

  public SqlClientIds(SqlDatabase db) {
    this.db = db;
  }

  /**
   * Binds {@code clientId} to {@code user} unless it is bound already, and returns the user it
   * belongs to: {@code user} when it was free or theirs already, another user otherwise (nothing
   * changed then).
   */
  @Override
  public String bind(String clientId, String user) {
    Objects.requireNonNull(clientId, "clientId == null");
    Objects.requireNonNull(user, "user == null");
    db.dialect().requireText("a client id", clientId);
    String known = owners.get(clientId);
    if (known != null) {
      return known;
    }
    // The insert does nothing when the id is bound, even by another relay at the same moment (it
    // waits for that relay's transaction); the select, a statement of its own, then reads who has
    // it.
    String owner =
        db.change(
            Scope.NONE,
            "binding client id " + clientId,
            changes -> {
              try {
                changes.update(
                    db.dialect()
                        .insertIfAbsent(
                            "client_ids", "client_id", "client_id, user_name, bound_at"),
                    clientId,
                    user,
                    System.currentTimeMillis());
              } catch (SQLException e) {
                if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                  throw e;
                } // H2: another hello inserted it after this one looked
              }
              try (PreparedStatement s =
                  changes
                      .connection()
                      .prepareStatement("SELECT user_name FROM client_ids WHERE client_id = ?")) {
                s.setString(1, clientId);
                try (ResultSet rs = s.executeQuery()) {
                  if (!rs.next()) {
                    throw new SQLException("client id " + clientId + " is bound to nobody");
                  }
                  return rs.getString(1);
                }
              }
            });
    owners.putIfAbsent(clientId, owner);
    return owner;
  }
}
