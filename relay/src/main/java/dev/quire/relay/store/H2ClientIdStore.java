package dev.quire.relay.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which user each client id belongs to: the first user who said hello with it, for good. Bindings
 * are never removed, so they are cached once read and a reconnecting client costs no query.
 */
final class H2ClientIdStore implements ClientIdStore {
  private static final String DUPLICATE_KEY = "23505";

  private final Database db;
  private final ConcurrentHashMap<String, String> owners = new ConcurrentHashMap<>();

  H2ClientIdStore(Database db) {
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
    String known = owners.get(clientId);
    if (known != null) {
      return known;
    }
    String owner =
        db.change(
            "binding client id " + clientId,
            changes -> {
              String found = ownerOf(changes.connection(), clientId);
              if (found != null) {
                return found;
              }
              try {
                changes.update(
                    "INSERT INTO client_ids (client_id, user_name, bound_at) VALUES (?, ?, ?)",
                    clientId,
                    user,
                    System.currentTimeMillis());
                return user;
              } catch (SQLException e) {
                if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                  throw e;
                }
                return ownerOf(changes.connection(), clientId); // another hello bound it meanwhile
              }
            });
    owners.putIfAbsent(clientId, owner);
    return owner;
  }

  private static String ownerOf(Connection c, String clientId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT user_name FROM client_ids WHERE client_id = ?")) {
      s.setString(1, clientId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
