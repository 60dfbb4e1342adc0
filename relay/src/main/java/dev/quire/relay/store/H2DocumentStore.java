package dev.quire.relay.store;

import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Documents and who may do what with them. Deleting moves a document to its owner's trash (see
 * {@link DocumentStore}); its id is not reused.
 */
final class H2DocumentStore implements DocumentStore {
  private static final String COLUMNS =
      "d.id, d.title, d.owner, d.created_at, d.head, d.last_change, d.deleted_at, d.payload_kind";

  private final Database db;

  H2DocumentStore(Database db) {
    this.db = db;
  }

  @Override
  public boolean create(
      String id, String title, String owner, long nowMillis, PayloadKind payload) {
    return db.change(
        Database.Scope.NONE, // a new document has no appends to wait for
        "creating document " + id,
        changes -> {
          if (find(changes.connection(), id).isPresent()) {
            return false;
          }
          changes.update(
              "INSERT INTO documents (id, title, owner, created_at, head, last_change, payload_kind)"
                  + " VALUES (?, ?, ?, ?, 0, ?, ?)",
              id,
              title,
              owner,
              nowMillis,
              nowMillis,
              wireName(payload));
          putRole(changes, id, owner, Role.OWNER);
          return true;
        });
  }

  /** The document's row, deleted or not. */
  @Override
  public Optional<DocumentRow> find(String id) {
    return db.read(Database.Scope.document(id), "reading document " + id, c -> find(c, id));
  }

  /** The user's role on a live document, if any. */
  @Override
  public Optional<Role> role(String id, String user) {
    return db.read(
        Database.Scope.NONE,
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

  @Override
  public List<Member> members(String id) {
    return db.read(
        Database.Scope.NONE,
        "reading members of " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT user_name, role FROM document_roles WHERE doc_id = ?"
                      + " ORDER BY CASE role WHEN 'owner' THEN 0 ELSE 1 END, user_name")) {
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
    update(
        id,
        "renaming " + id,
        "UPDATE documents SET title = ?, last_change = ? WHERE id = ?",
        title,
        nowMillis,
        id);
  }

  @Override
  public void markDeleted(String id, long nowMillis) {
    update(
        id,
        "deleting " + id,
        "UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
        nowMillis,
        id);
  }

  /** Gives {@code user} {@code role} on the document, or removes their role when null. */
  @Override
  public void setRole(String id, String user, Role role) {
    db.change(
        Database.Scope.NONE,
        "sharing " + id,
        changes -> {
          if (role == null) {
            changes.update(
                "DELETE FROM document_roles WHERE doc_id = ? AND user_name = ? AND role <> 'owner'",
                id,
                user);
          } else {
            putRole(changes, id, user, role);
          }
          return null;
        });
  }

  @Override
  public List<TrashRow> trash(String owner) {
    return db.read(
        Database.Scope.NONE, // deleted documents take no appends
        "listing the trash of " + owner,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, title, head, deleted_at FROM documents WHERE owner = ?"
                      + " AND deleted_at IS NOT NULL AND purged_at IS NULL ORDER BY id")) {
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
        Database.Scope.NONE,
        "finding documents due for purging",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id FROM documents WHERE deleted_at < ? AND purged_at IS NULL"
                      + " ORDER BY id")) {
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
    return db.change(
        Database.Scope.document(id),
        "restoring " + id,
        changes ->
            changes.update(
                    "UPDATE documents SET deleted_at = NULL WHERE id = ?"
                        + " AND deleted_at IS NOT NULL AND purged_at IS NULL",
                    id)
                == 1);
  }

  @Override
  public boolean purge(String id, long nowMillis) {
    return db.change(
        Database.Scope.document(id),
        "purging " + id,
        changes -> {
          if (changes.update(
                  "UPDATE documents SET purged_at = ?, head = 0, title = id, missing_canonical = 0"
                      + " WHERE id = ? AND deleted_at IS NOT NULL AND purged_at IS NULL",
                  nowMillis,
                  id)
              != 1) {
            return false;
          }
          for (String table :
              List.of(
                  "log",
                  "batches",
                  "latest_batches",
                  "checkpoints",
                  "document_roles",
                  "key_envelopes",
                  "document_epochs")) {
            changes.update("DELETE FROM " + table + " WHERE doc_id = ?", id);
          }
          return true;
        });
  }

  /** Changes the row of {@code id} once its appends are in (its head is written with them). */
  private void update(String id, String what, String sql, Object... args) {
    db.change(
        Database.Scope.document(id),
        what,
        changes -> {
          changes.update(sql, args);
          return null;
        });
  }

  private static void putRole(Database.Changes changes, String id, String user, Role role)
      throws SQLException {
    changes.update(
        "MERGE INTO document_roles (doc_id, user_name, role) KEY (doc_id, user_name)"
            + " VALUES (?, ?, ?)",
        id,
        user,
        role.wireName());
  }

  static Optional<DocumentRow> find(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT " + COLUMNS + " FROM documents d WHERE d.id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
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

  private static String wireName(PayloadKind kind) {
    return kind == null ? null : kind.name().toLowerCase(Locale.ROOT);
  }

  private static PayloadKind payloadKind(String stored) {
    return stored == null ? null : PayloadKind.valueOf(stored.toUpperCase(Locale.ROOT));
  }
}
