package dev.quire.relay.store.sql;

import dev.quire.ot.protocol.Device;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.KeyEnvelope;
import dev.quire.ot.protocol.UserDevice;
import dev.quire.relay.store.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link KeyStore} in either storage's database. Device keys never change once registered, so they
 * are cached once read. A rotation locks the document's epoch row (where the database has row
 * locks), so two relays of one PostgreSQL rotating at once move it once.
 */
public final class SqlKeys implements KeyStore {
  private static final String DUPLICATE_KEY = "23505";

  private final SqlDatabase db;
  private final ConcurrentHashMap<String, DeviceKeys> devices = new ConcurrentHashMap<>();

  public SqlKeys(SqlDatabase db) {
    this.db = db;
  }

  private static String cacheKey(String user, String clientId) {
    return user + "\n" + clientId;
  }

  @Override
  public DeviceKeys register(String user, String clientId, DeviceKeys keys) {
    Optional<DeviceKeys> known = device(user, clientId);
    if (known.isPresent()) {
      return known.get();
    }
    // The insert does nothing when the device has keys, even registered by another relay at the
    // same moment; the select then reads the ones that stay.
    DeviceKeys registered =
        db.change(
            Scope.NONE,
            "registering the keys of device " + clientId,
            changes -> {
              try {
                changes.update(
                    db.dialect()
                        .insertIfAbsent(
                            "devices",
                            "user_name, client_id",
                            "user_name, client_id, signing_key, agreement_key, registered_at"),
                    user,
                    clientId,
                    keys.signingKey(),
                    keys.agreementKey(),
                    System.currentTimeMillis());
              } catch (SQLException e) {
                if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                  throw e;
                } // H2: another registration inserted it after this one looked
              }
              DeviceKeys stored = read(changes.connection(), user, clientId);
              if (stored == null) {
                throw new SQLException("device " + clientId + " has no keys after registering");
              }
              return stored;
            });
    devices.putIfAbsent(cacheKey(user, clientId), registered);
    return registered;
  }

  @Override
  public Optional<DeviceKeys> device(String user, String clientId) {
    DeviceKeys cached = devices.get(cacheKey(user, clientId));
    if (cached != null) {
      return Optional.of(cached);
    }
    DeviceKeys read =
        db.read(Scope.NONE, "reading the keys of device " + clientId, c -> read(c, user, clientId));
    if (read != null) {
      devices.putIfAbsent(cacheKey(user, clientId), read);
    }
    return Optional.ofNullable(read);
  }

  private static DeviceKeys read(Connection c, String user, String clientId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT signing_key, agreement_key FROM devices WHERE user_name = ? AND client_id = ?")) {
      s.setString(1, user);
      s.setString(2, clientId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new DeviceKeys(rs.getString(1), rs.getString(2)) : null;
      }
    }
  }

  @Override
  public long epoch(String doc) {
    return db.read(Scope.NONE, "reading the key epoch of " + doc, c -> epoch(c, doc, ""));
  }

  @Override
  public List<UserDevice> devicesOf(String user) {
    return db.read(
        Scope.NONE,
        "reading the devices of " + user,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT client_id, registered_at FROM devices WHERE user_name = ?"
                      + " AND revoked_at IS NULL ORDER BY "
                      + db.dialect().textOrder("client_id"))) {
            s.setString(1, user);
            List<UserDevice> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(new UserDevice(rs.getString(1), rs.getLong(2)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public boolean revoked(String user, String clientId) {
    return db.read(
        Scope.NONE,
        "reading whether device " + clientId + " is revoked",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT 1 FROM devices WHERE user_name = ? AND client_id = ?"
                      + " AND revoked_at IS NOT NULL")) {
            s.setString(1, user);
            s.setString(2, clientId);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  @Override
  public OptionalLong revoke(String user, String clientId, long nowMillis) {
    return db.change(
        Scope.NONE,
        "revoking device " + clientId + " of " + user,
        changes -> {
          if (changes.update(
                  "UPDATE devices SET revoked_at = ? WHERE user_name = ? AND client_id = ?"
                      + " AND revoked_at IS NULL",
                  nowMillis,
                  user,
                  clientId)
              == 0) {
            return OptionalLong.empty();
          }
          changes.update(
              "DELETE FROM key_envelopes WHERE user_name = ? AND client_id = ?", user, clientId);
          changes.update(
              "INSERT INTO key_rotations_due (doc_id, due_since) SELECT r.doc_id, ?"
                  + " FROM document_roles r JOIN documents d ON d.id = r.doc_id"
                  + " WHERE r.user_name = ? AND d.payload_kind = 'encrypted'"
                  + " AND NOT EXISTS (SELECT 1 FROM key_rotations_due k"
                  + " WHERE k.doc_id = r.doc_id)",
              nowMillis,
              user);
          try (PreparedStatement s =
              changes
                  .connection()
                  .prepareStatement(
                      "SELECT COUNT(*) FROM document_roles r JOIN documents d ON d.id = r.doc_id"
                          + " WHERE r.user_name = ? AND d.payload_kind = 'encrypted'")) {
            s.setString(1, user);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return OptionalLong.of(rs.getLong(1));
            }
          }
        });
  }

  @Override
  public boolean rotationDue(String doc) {
    return db.read(
        Scope.NONE,
        "reading whether the key of " + doc + " must rotate",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT 1 FROM key_rotations_due WHERE doc_id = ?")) {
            s.setString(1, doc);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /** The document's epoch, with {@code lock} appended to the SELECT ("" or the dialect's lock). */
  private static long epoch(Connection c, String doc, String lock) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT epoch FROM document_epochs WHERE doc_id = ?" + lock)) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 1;
      }
    }
  }

  @Override
  public List<Device> devices(String doc, long epoch) {
    SqlDialect dialect = db.dialect();
    return db.read(
        Scope.document(doc), // the latest batches tell which devices sent some
        "reading the devices of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT d.user_name, d.client_id, d.signing_key, d.agreement_key,"
                      + " EXISTS (SELECT 1 FROM key_envelopes e WHERE e.doc_id = ?"
                      + " AND e.epoch = ? AND e.user_name = d.user_name"
                      + " AND e.client_id = d.client_id),"
                      + " d.revoked_at IS NULL AND EXISTS (SELECT 1 FROM document_roles r"
                      + " WHERE r.doc_id = ? AND r.user_name = d.user_name)"
                      + " FROM devices d WHERE d.revoked_at IS NULL AND EXISTS (SELECT 1"
                      + " FROM document_roles r WHERE r.doc_id = ? AND r.user_name = d.user_name)"
                      + " OR EXISTS (SELECT 1 FROM latest_batches b WHERE b.doc_id = ?"
                      + " AND b.author = d.user_name AND b.client_id = d.client_id)"
                      + " ORDER BY "
                      + dialect.textOrder("d.user_name")
                      + ", "
                      + dialect.textOrder("d.client_id"))) {
            s.setString(1, doc);
            s.setLong(2, epoch);
            s.setString(3, doc);
            s.setString(4, doc);
            s.setString(5, doc);
            List<Device> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Device(
                        rs.getString(1),
                        rs.getString(2),
                        new DeviceKeys(rs.getString(3), rs.getString(4)),
                        rs.getBoolean(5),
                        rs.getBoolean(6)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public List<KeyEnvelope> envelopesFor(String doc, String user, String clientId) {
    return db.read(
        Scope.NONE,
        "reading the key envelopes of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT epoch, sender_user, sender_client, envelope FROM key_envelopes"
                      + " WHERE doc_id = ? AND user_name = ? AND client_id = ? ORDER BY epoch")) {
            s.setString(1, doc);
            s.setString(2, user);
            s.setString(3, clientId);
            List<KeyEnvelope> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new KeyEnvelope(
                        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public boolean seal(
      String doc,
      long epoch,
      boolean rotate,
      String fromUser,
      String fromClient,
      List<KeyEnvelope> envelopes) {
    SqlDialect dialect = db.dialect();
    return db.change(
        Scope.NONE,
        "storing key envelopes of " + doc,
        changes -> {
          if (rotate) {
            // The document's row first: appends decide under its lock, and PostgreSQL's check of
            // each sealed batch's epoch there then sees this rotation once it is committed.
            try (PreparedStatement s =
                changes
                    .connection()
                    .prepareStatement(
                        "SELECT id FROM documents WHERE id = ?" + dialect.lockRow())) {
              s.setString(1, doc);
              s.executeQuery().close();
            }
            long current = epoch(changes.connection(), doc, dialect.lockRow());
            if (current != epoch - 1) {
              return false;
            }
            if (changes.update(
                        "UPDATE document_epochs SET epoch = ? WHERE doc_id = ? AND epoch = ?",
                        epoch,
                        doc,
                        current)
                    == 0
                && changes.update(
                        dialect.insertIfAbsent("document_epochs", "doc_id", "doc_id, epoch"),
                        doc,
                        epoch)
                    == 0) {
              return false; // another relay rotated it meanwhile; nothing was written
            }
            changes.update("DELETE FROM key_rotations_due WHERE doc_id = ?", doc);
          }
          long now = System.currentTimeMillis();
          String insert =
              dialect.insertIfAbsent(
                  "key_envelopes",
                  "doc_id, epoch, user_name, client_id",
                  "doc_id, epoch, user_name, client_id, sender_user, sender_client, envelope,"
                      + " sealed_at");
          for (KeyEnvelope e : envelopes) {
            changes.update(
                insert,
                doc,
                epoch,
                e.user(),
                e.clientId(),
                fromUser,
                fromClient,
                e.envelope(),
                now);
          }
          return true;
        });
  }
}
