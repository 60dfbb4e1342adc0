package dev.quire.relay.store;

import dev.quire.ot.protocol.Ids;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Users and their tokens. A token is shown once, when made, and stored only as its hash. */
final class H2UserStore implements UserStore {
  private final Database db;

  H2UserStore(Database db) {
    this.db = db;
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
    db.change(
        "adding user " + name,
        changes -> {
          if (exists(changes.connection(), name)) {
            throw new StoreException("user " + name + " exists already");
          }
          changes.update(
              "INSERT INTO users (name, created_at) VALUES (?, ?)",
              name,
              System.currentTimeMillis());
          insertToken(changes, name, token);
          return null;
        });
    return token;
  }

  /** Makes sure {@code name} exists (open mode's guest), without a token. */
  @Override
  public void ensure(String name) {
    db.change(
        "ensuring user " + name,
        changes -> {
          if (!exists(changes.connection(), name)) {
            changes.update(
                "INSERT INTO users (name, created_at) VALUES (?, ?)",
                name,
                System.currentTimeMillis());
          }
          return null;
        });
  }

  /** Issues another token for an existing, active user. */
  @Override
  public String issueToken(String name) {
    String token = Tokens.generate();
    db.change(
        "issuing a token for " + name,
        changes -> {
          requireActive(changes.connection(), name);
          insertToken(changes, name, token);
          return null;
        });
    return token;
  }

  /** Revokes the user and every token they have. Their documents and history stay. */
  @Override
  public void revoke(String name) {
    db.change(
        "revoking user " + name,
        changes -> {
          requireActive(changes.connection(), name);
          long now = System.currentTimeMillis();
          changes.update(
              "UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", now, name);
          changes.update(
              "UPDATE tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
              now,
              name);
          return null;
        });
  }

  /** The active user a token belongs to, if the token is known and not revoked. */
  @Override
  public Optional<String> authenticate(String token) {
    byte[] hash = Tokens.hash(token);
    return db.read(
        "checking a token",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT u.name FROM tokens t JOIN users u ON u.name = t.user_name"
                      + " WHERE t.hash = ? AND t.revoked_at IS NULL AND u.revoked_at IS NULL")) {
            s.setBytes(1, hash);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
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

  private static boolean exists(java.sql.Connection c, String name) throws java.sql.SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM users WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void requireActive(java.sql.Connection c, String name)
      throws java.sql.SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT revoked_at FROM users WHERE name = ?")) {
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

  private static void insertToken(Database.Changes changes, String name, String token)
      throws java.sql.SQLException {
    changes.update(
        "INSERT INTO tokens (hash, user_name, created_at) VALUES (?, ?, ?)",
        Tokens.hash(token),
        name,
        System.currentTimeMillis());
  }
}
