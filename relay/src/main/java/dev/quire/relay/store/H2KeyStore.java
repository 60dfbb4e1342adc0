package dev.quire.relay.store;

import dev.quire.ot.protocol.Device;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.KeyEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link KeyStore} in the embedded H2 database. Device keys never change once registered, so they
 * are cached once read; every write goes through {@link Database#change}, journaled like any other
 * change.
 */
final class H2KeyStore implements KeyStore {
  private final Database db;
  private final ConcurrentHashMap<String, DeviceKeys> devices = new ConcurrentHashMap<>();

  H2KeyStore(Database db) {
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
    DeviceKeys registered =
        db.change(
            Database.Scope.NONE,
            "registering the keys of device " + clientId,
            changes -> {
              DeviceKeys found = read(changes.connection(), user, clientId);
              if (found != null) {
                return found;
              }
              changes.update(
                  "INSERT INTO devices (user_name, client_id, signing_key, agreement_key,"
                      + " registered_at) VALUES (?, ?, ?, ?, ?)",
                  user,
                  clientId,
                  keys.signingKey(),
                  keys.agreementKey(),
                  System.currentTimeMillis());
              return keys;
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
        db.read(
            Database.Scope.NONE,
            "reading the keys of device " + clientId,
            c -> read(c, user, clientId));
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
    return db.read(Database.Scope.NONE, "reading the key epoch of " + doc, c -> epoch(c, doc));
  }

  private static long epoch(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT epoch FROM document_epochs WHERE doc_id = ?")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 1;
      }
    }
  }

  @Override
  public List<Device> devices(String doc, long epoch) {
    return db.read(
        Database.Scope.document(doc), // the latest batches tell which devices sent some
        "reading the devices of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT d.user_name, d.client_id, d.signing_key, d.agreement_key,"
                      + " EXISTS (SELECT 1 FROM key_envelopes e WHERE e.doc_id = ?"
                      + " AND e.epoch = ? AND e.user_name = d.user_name"
                      + " AND e.client_id = d.client_id),"
                      + " EXISTS (SELECT 1 FROM document_roles r WHERE r.doc_id = ?"
                      + " AND r.user_name = d.user_name)"
                      + " FROM devices d WHERE EXISTS (SELECT 1 FROM document_roles r"
                      + " WHERE r.doc_id = ? AND r.user_name = d.user_name)"
                      + " OR EXISTS (SELECT 1 FROM latest_batches b WHERE b.doc_id = ?"
                      + " AND b.author = d.user_name AND b.client_id = d.client_id)"
                      + " ORDER BY d.user_name, d.client_id")) {
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
        Database.Scope.NONE,
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
    return db.change(
        Database.Scope.NONE,
        "storing key envelopes of " + doc,
        changes -> {
          if (rotate) {
            long current = epoch(changes.connection(), doc);
            if (current != epoch - 1) {
              return false;
            }
            if (changes.update(
                    "UPDATE document_epochs SET epoch = ? WHERE doc_id = ? AND epoch = ?",
                    epoch,
                    doc,
                    current)
                == 0) {
              changes.update(
                  "INSERT INTO document_epochs (doc_id, epoch) VALUES (?, ?)", doc, epoch);
            }
          }
          long now = System.currentTimeMillis();
          for (KeyEnvelope e : envelopes) {
            changes.update(
                "INSERT INTO key_envelopes (doc_id, epoch, user_name, client_id, sender_user,"
                    + " sender_client, envelope, sealed_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?"
                    + " WHERE NOT EXISTS (SELECT 1 FROM key_envelopes WHERE doc_id = ?"
                    + " AND epoch = ? AND user_name = ? AND client_id = ?)",
                doc,
                epoch,
                e.user(),
                e.clientId(),
                fromUser,
                fromClient,
                e.envelope(),
                now,
                doc,
                epoch,
                e.user(),
                e.clientId());
          }
          return true;
        });
  }
}
