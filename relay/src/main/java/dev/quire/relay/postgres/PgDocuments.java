package dev.quire.relay.postgres;

import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.DocumentStore;
import dev.quire.relay.store.PayloadKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Documents and who may do what with them, in PostgreSQL. Deleting moves a document to its owner's
 * trash (see {@link DocumentStore}); its id is not reused.
 */
final class PgDocuments implements DocumentStore {
  private static final String COLUMNS =
      "d.id, d.title, d.owner, d.created_at, d.head, d.last_change, d.deleted_at, d.payload_kind";

  private final PgDatabase db;

  PgDocuments(PgDatabase db) {
    this.db = db;
  }

  /**
   * Creates a document owned by {@code owner}.
   *
   * @return false when the id is taken (nothing changed)
   */
  @Override
  public boolean create(
      String id, String title, String owner, long nowMillis, @Nullable PayloadKind payload) {
    PgText.require("a title", title);
    return db.inTransaction(
        "creating document " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO documents (id, title, owner, created_at, head, last_change,"
                      + " payload_kind) VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, title);
            s.setString(3, owner);
            s.setLong(4, nowMillis);
            s.setLong(5, nowMillis);
            s.setString(6, payload == null ? null : payload.name().toLowerCase(Locale.ROOT));
            if (s.executeUpdate() == 0) {
              return false;
            }
          }
          putRole(c, id, owner, Role.OWNER);
          return true;
        });
  }

  /** The document's row, deleted or not. */
  @Override
  public Optional<DocumentRow> find(String id) {
    return db.read(
        "reading document " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT " + COLUMNS + " FROM documents d WHERE d.id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
          }
        });
  }

  /** The user's role on a live document, if any. */
  @Override
  public Optional<Role> role(String id, String user) {
    return db.read(
        "reading roles of " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT r.role FROM document_roles r JOIN documents d ON d.id = r.doc_id"
                      + " WHERE r.doc_id = ? AND r.user_name = ? AND d.deleted_at IS NULL")) {
            s.setString(1, id);
            s.setString(2, user);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(Role.fromWire(rs.getString(1))) : Optional.empty();
            }
          }
        });
  }

  /** Everyone with a role on {@code id}: the owner first, then by name. */
  @Override
  public List<Member> members(String id) {
    return db.read(
        "reading members of " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT user_name, role FROM document_roles WHERE doc_id = ?"
                      + " ORDER BY CASE role WHEN 'owner' THEN 0 ELSE 1 END,"
                      + " user_name COLLATE \"C\"")) {
            s.setString(1, id);
            List<Member> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(new Member(rs.getString(1), Role.fromWire(rs.getString(2))));
              }
            }
            return out;
          }
        });
  }

  /** Live documents {@code user} has a role on, or every live one when {@code all}. */
  @Override
  public List<DocumentInfo> list(String user, boolean all) {
    return db.read(
        "listing documents",
        c -> {
          String sql =
              all
                  ? "SELECT " + COLUMNS + ", 'editor' FROM documents d WHERE d.deleted_at IS NULL"
                  : "SELECT "
                      + COLUMNS
                      + ", r.role FROM documents d JOIN document_roles r ON r.doc_id = d.id"
                      + " WHERE r.user_name = ? AND d.deleted_at IS NULL";
          List<DocumentInfo> out = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql + " ORDER BY d.id")) {
            if (!all) {
              s.setString(1, user);
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(row(rs).info(Role.fromWire(rs.getString(9))));
              }
            }
          }
          return out;
        });
  }

  @Override
  public void rename(String id, String title, long nowMillis) {
    PgText.require("a title", title);
    db.read(
        "renaming " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("UPDATE documents SET title = ?, last_change = ? WHERE id = ?")) {
            s.setString(1, title);
            s.setLong(2, nowMillis);
            s.setString(3, id);
            return s.executeUpdate();
          }
        });
  }

  @Override
  public void markDeleted(String id, long nowMillis) {
    db.read(
        "deleting " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL")) {
            s.setLong(1, nowMillis);
            s.setString(2, id);
            return s.executeUpdate();
          }
        });
  }

  /** Gives {@code user} {@code role} on the document, or removes their role when null. */
  @Override
  public void setRole(String id, String user, @Nullable Role role) {
    db.read(
        "sharing " + id,
        c -> {
          if (role == null) {
            try (PreparedStatement s =
                c.prepareStatement(
                    "DELETE FROM document_roles WHERE doc_id = ? AND user_name = ?"
                        + " AND role <> 'owner'")) {
              s.setString(1, id);
              s.setString(2, user);
              s.executeUpdate();
            }
          } else {
            putRole(c, id, user, role);
          }
          return null;
        });
  }

  @Override
  public List<TrashRow> trash(String owner) {
    return db.read(
        "listing the trash of " + owner,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, title, head, deleted_at FROM documents WHERE owner = ?"
                      + " AND deleted_at IS NOT NULL AND purged_at IS NULL"
                      + " ORDER BY id COLLATE \"C\"")) {
            s.setString(1, owner);
            List<TrashRow> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new TrashRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public List<String> deletedBefore(long cutoffMillis) {
    return db.read(
        "finding documents due for purging",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id FROM documents WHERE deleted_at < ? AND purged_at IS NULL"
                      + " ORDER BY id COLLATE \"C\"")) {
            s.setLong(1, cutoffMillis);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
            return out;
          }
        });
  }

  @Override
  public boolean restore(String id) {
    return db.read(
        "restoring " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE documents SET deleted_at = NULL WHERE id = ?"
                      + " AND deleted_at IS NOT NULL AND purged_at IS NULL")) {
            s.setString(1, id);
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean purge(String id, long nowMillis) {
    return db.inTransaction(
        "purging " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE documents SET purged_at = ?, head = 0, title = id, missing_canonical = 0"
                      + " WHERE id = ? AND deleted_at IS NOT NULL AND purged_at IS NULL")) {
            s.setLong(1, nowMillis);
            s.setString(2, id);
            if (s.executeUpdate() != 1) {
              return false;
            }
          }
          for (String table :
              List.of(
                  "batches",
                  "latest_batches",
                  "checkpoints",
                  "document_roles",
                  "key_envelopes",
                  "document_epochs")) {
            try (PreparedStatement s =
                c.prepareStatement("DELETE FROM " + table + " WHERE doc_id = ?")) {
              s.setString(1, id);
              s.executeUpdate();
            }
          }
          return true;
        });
  }

  private static void putRole(Connection c, String id, String user, Role role) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO document_roles (doc_id, user_name, role) VALUES (?, ?, ?)"
                + " ON CONFLICT (doc_id, user_name) DO UPDATE SET role = EXCLUDED.role")) {
      s.setString(1, id);
      s.setString(2, user);
      s.setString(3, role.wireName());
      s.executeUpdate();
    }
  }

  private static @Nullable PayloadKind payloadKind(@Nullable String stored) {
    return stored == null ? null : PayloadKind.valueOf(stored.toUpperCase(Locale.ROOT));
  }

  private static DocumentRow row(ResultSet rs) throws SQLException {
    long deleted = rs.getLong(7);
    Long deletedAt = rs.wasNull() ? null : deleted;
    return new DocumentRow(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getLong(5),
        rs.getLong(6),
        deletedAt,
        payloadKind(rs.getString(8)));
  }
}
