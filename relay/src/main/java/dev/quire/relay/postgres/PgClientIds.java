package dev.quire.relay.postgres;

import dev.quire.relay.store.ClientIdStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which user each client id belongs to: the first user who said hello with it, through whichever
 * relay, for good. Bindings are never removed, so they are cached once read.
 */
final class PgClientIds implements ClientIdStore {
  private final PgDatabase db;
  private final ConcurrentHashMap<String, String> owners = new ConcurrentHashMap<>();

  PgClientIds(PgDatabase db) {
    this.db = db;
  }

  /**
   * Binds {@code clientId} to {@code user} unless it is bound already, and returns the user it
   * belongs to: {@code user} when it was free or theirs already, another user otherwise.
   */
  @Override
  public String bind(String clientId, String user) {
    Objects.requireNonNull(clientId, "clientId == null");
    Objects.requireNonNull(user, "user == null");
    PgText.require("a client id", clientId);
    String known = owners.get(clientId);
    if (known != null) {
      return known;
    }
    // One statement decides, even when relays bind the same id at once: the insert does nothing
    // when it is bound, and the select then reads who has it.
    String owner =
        db.read(
            "binding client id " + clientId,
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "WITH bound AS (INSERT INTO client_ids (client_id, user_name, bound_at)"
                          + " VALUES (?, ?, ?) ON CONFLICT (client_id) DO NOTHING"
                          + " RETURNING user_name)"
                          + " SELECT user_name FROM bound"
                          + " UNION ALL SELECT user_name FROM client_ids WHERE client_id = ?")) {
                s.setString(1, clientId);
                s.setString(2, user);
                s.setLong(3, System.currentTimeMillis());
                s.setString(4, clientId);
                try (ResultSet rs = s.executeQuery()) {
                  if (rs.next()) {
                    return rs.getString(1);
                  }
                }
              }
              // Another relay bound it after this statement's snapshot was taken: read it now.
              try (PreparedStatement s =
                  c.prepareStatement("SELECT user_name FROM client_ids WHERE client_id = ?")) {
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
