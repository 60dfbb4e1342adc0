package dev.quire.relay.postgres;

import dev.quire.ot.protocol.Ids;
import dev.quire.relay.store.StoreException;
import dev.quire.relay.store.Tokens;
import dev.quire.relay.store.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users and their tokens in PostgreSQL, shared by every relay on the database: a token issued
 * through one relay or admin command works on all. A token is shown once, when made, and stored
 * only as its hash.
 *
 * <p>{@link #authenticate} answers from memory (the relay calls it on its network threads): the
 * hashes of the active tokens, read when the storage opens and again whenever users or tokens
 * change. Every change here notifies {@value #CHANNEL} in its transaction; each relay's {@link
 * PgDocumentFeed} listens for that and calls {@link #reload}, and reloads every {@value
 * PgDocumentFeed#USERS_REFRESH_SECONDS} s anyway, in case a notification was lost. So a new token
 * works on every relay within moments, and a revoked one stops within that bound at most.
 */
final class PgUsers implements UserStore {
  static final String CHANNEL = "quire_users";
  private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', '')";

  private final PgDatabase db;
  // The active tokens: SHA-256 (hex) to user name. Replaced whole by reload.
  private volatile Map<String, String> activeTokens = Map.of();

  PgUsers(PgDatabase db) {
    this.db = db;
    reload();
  }

  /** Reads the active tokens again. */
  void reload() {
    activeTokens =
        db.read(
            "reading the active tokens",
            c -> {
              Map<String, String> tokens = new HashMap<>();
              try (PreparedStatement s =
                      c.prepareStatement(
                          "SELECT t.hash, u.name FROM tokens t JOIN users u ON u.name = t.user_name"
                              + " WHERE t.revoked_at IS NULL AND u.revoked_at IS NULL");
                  ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                  tokens.put(HexFormat.of().formatHex(rs.getBytes(1)), rs.getString(2));
                }
              }
              return Map.copyOf(tokens);
            });
  }

  /** Tells every relay, when the transaction on {@code c} commits, to read the tokens again. */
  private static void notifyRelays(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(NOTIFY)) {
      s.execute();
    }
  }

  /**
   * Adds a user and returns their first token.
   *
   * @throws StoreException when the name is taken
   * @throws IllegalArgumentException when the name is not a valid user name
   */
  @Override
  public String add(String name) {
    Ids.requireUserName(name);
    String token = Tokens.generate();
    db.inTransaction(
        "adding user " + name,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO users (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, name);
            s.setLong(2, System.currentTimeMillis());
            if (s.executeUpdate() == 0) {
              throw new StoreException("user " + name + " exists already");
            }
          }
          insertToken(c, name, token);
          notifyRelays(c);
          return null;
        });
    reload();
    return token;
  }

  /** Makes sure {@code name} exists (open mode's guest), without a token. */
  @Override
  public void ensure(String name) {
    Ids.requireUserName(name);
    db.read(
        "ensuring user " + name,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO users (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, name);
            s.setLong(2, System.currentTimeMillis());
            return s.executeUpdate();
          }
        });
  }

  /** Issues another token for an existing, active user. */
  @Override
  public String issueToken(String name) {
    String token = Tokens.generate();
    db.inTransaction(
        "issuing a token for " + name,
        c -> {
          requireActive(c, name);
          insertToken(c, name, token);
          notifyRelays(c);
          return null;
        });
    reload();
    return token;
  }

  /** Revokes the user and every token they have. Their documents and history stay. */
  @Override
  public void revoke(String name) {
    db.inTransaction(
        "revoking user " + name,
        c -> {
          requireActive(c, name);
          long now = System.currentTimeMillis();
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")) {
            s.setLong(1, now);
            s.setString(2, name);
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL")) {
            s.setLong(1, now);
            s.setString(2, name);
            s.executeUpdate();
          }
          notifyRelays(c);
          return null;
        });
    reload();
  }

  /** The active user a token belongs to, if the token is known and not revoked: from memory. */
  @Override
  public Optional<String> authenticate(String token) {
    return Optional.ofNullable(activeTokens.get(HexFormat.of().formatHex(Tokens.hash(token))));
  }

  /** True when {@code name} is a user who has not been revoked. */
  @Override
  public boolean isActive(String name) {
    return db.read(
        "looking up user " + name,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT 1 FROM users WHERE name = ? AND revoked_at IS NULL")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  @Override
  public List<UserInfo> list() {
    return db.read(
        "listing users",
        c -> {
          List<UserInfo> out = new ArrayList<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT u.name, u.created_at, u.revoked_at IS NOT NULL,"
                          + " (SELECT COUNT(*) FROM tokens t"
                          + "   WHERE t.user_name = u.name AND t.revoked_at IS NULL)"
                          + " FROM users u ORDER BY u.name");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              out.add(new UserInfo(rs.getString(1), rs.getLong(2), rs.getBoolean(3), rs.getInt(4)));
            }
          }
          return out;
        });
  }

  private static void requireActive(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT revoked_at FROM users WHERE name = ? FOR UPDATE")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new StoreException("no user named " + name);
        }
        rs.getLong(1);
        if (!rs.wasNull()) {
          throw new StoreException("user " + name + " is revoked");
        }
      }
    }
  }

  private static void insertToken(Connection c, String name, String token) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO tokens (hash, user_name, created_at) VALUES (?, ?, ?)")) {
      s.setBytes(1, Tokens.hash(token));
      s.setString(2, name);
      s.setLong(3, System.currentTimeMillis());
      s.executeUpdate();
    }
  }
}
