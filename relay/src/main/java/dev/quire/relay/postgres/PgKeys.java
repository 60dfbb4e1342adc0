package dev.quire.relay.postgres;

import dev.quire.ot.protocol.Device;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.KeyEnvelope;
import dev.quire.relay.store.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link KeyStore} in PostgreSQL, shared by every relay of the database. Device keys never change
 * once registered, so they are cached once read. A rotation locks the document's epoch row, so two
 * relays rotating at once move it once.
 */
final class PgKeys implements KeyStore {
  private final PgDatabase db;
  private final ConcurrentHashMap<String, DeviceKeys> devices = new ConcurrentHashMap<>();

  PgKeys(PgDatabase db) {
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
        db.read(
            "registering the keys of device " + clientId,
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO devices (user_name, client_id, signing_key, agreement_key,"
                          + " registered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, user);
                s.setString(2, clientId);
                s.setString(3, keys.signingKey());
                s.setString(4, keys.agreementKey());
                s.setLong(5, System.currentTimeMillis());
                s.executeUpdate();
              }
              DeviceKeys stored = read(c, user, clientId);
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
        db.read("reading the keys of device " + clientId, c -> read(c, user, clientId));
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
    return db.read("reading the key epoch of " + doc, c -> epoch(c, doc, false));
  }

  private static long epoch(Connection c, String doc, boolean lock) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT epoch FROM document_epochs WHERE doc_id = ?" + (lock ? " FOR UPDATE" : ""))) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 1;
      }
    }
  }

  @Override
  public List<Device> devices(String doc, long epoch) {
    return db.read(
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
                      + " ORDER BY d.user_name COLLATE \"C\","
                      + " d.client_id COLLATE \"C\"")) {
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
    return db.inTransaction(
        "storing key envelopes of " + doc,
        c -> {
          if (rotate) {
            long current = epoch(c, doc, true);
            if (current != epoch - 1) {
              return false;
            }
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO document_epochs (doc_id, epoch) VALUES (?, ?)"
                        + " ON CONFLICT (doc_id) DO UPDATE SET epoch = EXCLUDED.epoch"
                        + " WHERE document_epochs.epoch = ?")) {
              s.setString(1, doc);
              s.setLong(2, epoch);
              s.setLong(3, current);
              if (s.executeUpdate() == 0) {
                PgDatabase.rollbackQuietly(c);
                return false; // another relay rotated it meanwhile
              }
            }
          }
          long now = System.currentTimeMillis();
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO key_envelopes (doc_id, epoch, user_name, client_id, sender_user,"
                      + " sender_client, envelope, sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            for (KeyEnvelope e : envelopes) {
              s.setString(1, doc);
              s.setLong(2, epoch);
              s.setString(3, e.user());
              s.setString(4, e.clientId());
              s.setString(5, fromUser);
              s.setString(6, fromClient);
              s.setString(7, e.envelope());
              s.setLong(8, now);
              s.addBatch();
            }
            if (!envelopes.isEmpty()) {
              s.executeBatch();
            }
          }
          return true;
        });
  }
}
