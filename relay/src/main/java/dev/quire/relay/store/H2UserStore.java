package dev.quire.relay.store;

import dev.quire.ot.protocol.Ids;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and their tokens. A token is shown once, when made, and stored only as its hash. The active
 * tokens' hashes are read at start and kept in memory with every change made through this store:
 * the embedded database has no other writer, so checking a token costs no query (the relay checks
 * an upgrade request's token on a network thread).
 */
final class H2UserStore implements UserStore {
  private final Database db;
  private final Object tokensLock = new Object(); // held across a token change and its cache update
  private final Map<ByteBuffer, String> activeTokens; // hash to user

  H2UserStore(Database db) {
    this.db = db;
    this.activeTokens = readActiveTokens();
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
    synchronized (tokensLock) {
      addUser(name, token);
      tokenIssued(name, token);
    }
    return token;
  }

  private void addUser(String name, String token) {
    db.change(
        Database.Scope.NONE,
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
  }

  /** Makes sure {@code name} exists (open mode's guest), without a token. */
  @Override
  public void ensure(String name) {
    db.change(
        Database.Scope.NONE,
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
    synchronized (tokensLock) {
      addToken(name, token);
      tokenIssued(name, token);
    }
    return token;
  }

  private void addToken(String name, String token) {
    db.change(
        Database.Scope.NONE,
        "issuing a token for " + name,
        changes -> {
          requireActive(changes.connection(), name);
          insertToken(changes, name, token);
          return null;
        });
  }

  private void tokenIssued(String name, String token) {
    activeTokens.put(ByteBuffer.wrap(Tokens.hash(token)), name);
  }

  /** Revokes the user and every token they have. Their documents and history stay. */
  @Override
  public void revoke(String name) {
    synchronized (tokensLock) {
      revokeUser(name);
      activeTokens.values().removeIf(name::equals);
    }
  }

  private void revokeUser(String name) {
    db.change(
        Database.Scope.NONE,
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
    return Optional.ofNullable(activeTokens.get(ByteBuffer.wrap(Tokens.hash(token))));
  }

  private Map<ByteBuffer, String> readActiveTokens() {
    return db.read(
        Database.Scope.NONE,
        "reading the tokens",
        c -> {
          Map<ByteBuffer, String> out = new ConcurrentHashMap<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT t.hash, u.name FROM tokens t JOIN users u ON u.name = t.user_name"
                          + " WHERE t.revoked_at IS NULL AND u.revoked_at IS NULL");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              out.put(ByteBuffer.wrap(rs.getBytes(1)), rs.getString(2));
            }
          }
          return out;
        });
  }

  /** True when {@code name} is a user who has not been revoked. */
  @Override
  public boolean isActive(String name) {
    return db.read(
        Database.Scope.NONE,
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
        Database.Scope.NONE,
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
