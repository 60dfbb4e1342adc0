package dev.quire.relay.store.sql;

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
 * Users and their tokens, in either storage's database. A token is shown once, when made, and
 * stored only as its hash.
 *
 * <p>{@link #authenticate} answers from memory (the relay checks an upgrade request's token on a
 * network thread): the hashes of the active tokens, read when the store opens and again after every
 * change made through it, and whenever {@link #reload} is called. Where several relays share the
 * database, each change also runs {@code changed} in its transaction, which tells the other relays
 * to call {@link #reload} (PostgreSQL's {@code NOTIFY}).
 */
public final class SqlUsers implements UserStore {
  /** Runs in the transaction of every change to users or tokens. */
  @FunctionalInterface
  public interface ChangeHook {
    ChangeHook NONE = c -> {};

    void changed(Connection c) throws SQLException;
  }

  private final SqlDatabase db;
  private final ChangeHook changed;
  // Held across a change and the reload after it, and by every reload, so that the tokens in
  // memory never go back to older ones.
  private final Object tokensLock = new Object();
  // The active tokens: SHA-256 (hex) to user name. Replaced whole by reload.
  private volatile Map<String, String> activeTokens = Map.of();

  public SqlUsers(SqlDatabase db, ChangeHook changed) {
    this.db = db;
    this.changed = changed;
    reload();
  }

  /** Reads the active tokens again. */
  public void reload() {
    synchronized (tokensLock) {
      activeTokens =
          db.read(
              Scope.NONE,
              "reading the active tokens",
              c -> {
                Map<String, String> tokens = new HashMap<>();
                try (PreparedStatement s =
                        c.prepareStatement(
                            "SELECT t.hash, u.name FROM tokens t JOIN users u ON u.name ="
                                + " t.user_name WHERE t.revoked_at IS NULL AND u.revoked_at IS NULL");
                    ResultSet rs = s.executeQuery()) {
                  while (rs.next()) {
                    tokens.put(HexFormat.of().formatHex(rs.getBytes(1)), rs.getString(2));
                  }
                }
                return Map.copyOf(tokens);
              });
    }
  }

  /** Runs {@code work} as one change to users or tokens, then reads the tokens again. */
  private void change(String what, SqlDatabase.ChangeWork<?> work) {
    synchronized (tokensLock) {
      db.change(
          Scope.NONE,
          what,
          changes -> {
            work.run(changes);
            changed.changed(changes.connection());
            return null;
          });
      reload();
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
    change(
        "adding user " + name,
        changes -> {
          if (insertUser(changes, name) == 0) {
            throw new StoreException("user " + name + " exists already");
          }
          insertToken(changes, name, token);
          return null;
        });
    return token;
  }

  /** Makes sure {@code name} exists (open mode's guest), without a token. */
  @Override
  public void ensure(String name) {
    Ids.requireUserName(name);
    db.change(Scope.NONE, "ensuring user " + name, changes -> insertUser(changes, name));
  }

  /** Issues another token for an existing, active user. */
  @Override
  public String issueToken(String name) {
    String token = Tokens.generate();
    change(
        "issuing a token for " + name,
        changes -> {
          requireActive(changes.connection(), name);
          insertToken(changes, name, token);
          return null;
        });
    return token;
  }

  /** Revokes a user and all their tokens. */
  @Override
  public void revoke(String name) {
    change(
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

  /** The active user a token belongs to, if the token is known and not revoked: from memory. */
  @Override
  public Optional<String> authenticate(String token) {
    return Optional.ofNullable(activeTokens.get(HexFormat.of().formatHex(Tokens.hash(token))));
  }

  /** True when {@code name} is a user who has not been revoked. */
  @Override
  public boolean isActive(String name) {
    return db.read(
        Scope.NONE,
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
        Scope.NONE,
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

  /** Inserts the user unless the name is taken; returns how many rows it inserted. */
  private int insertUser(SqlDatabase.Changes changes, String name) throws SQLException {
    return changes.update(
        db.dialect().insertIfAbsent("users", "name", "name, created_at"),
        name,
        System.currentTimeMillis());
  }

  /** Refuses unless {@code name} is an active user, whom it locks against a concurrent revoke. */
  private void requireActive(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT revoked_at FROM users WHERE name = ?" + db.dialect().lockRow())) {
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

  private static void insertToken(SqlDatabase.Changes changes, String name, String token)
      throws SQLException {
    changes.update(
        "INSERT INTO tokens (hash, user_name, created_at) VALUES (?, ?, ?)",
        Tokens.hash(token),
        name,
        System.currentTimeMillis());
  }
}
