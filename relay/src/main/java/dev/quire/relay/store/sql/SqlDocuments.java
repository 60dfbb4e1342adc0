package dev.quire.relay.store.sql;

import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.relay.store.DocumentStore;
import dev.quire.relay.store.PayloadKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Documents and who may do what with them, in either storage's database. Deleting moves a document
 * to its owner's trash (see {@link DocumentStore}); its id is not reused. Thread-safe.
 */
public final class SqlDocuments implements DocumentStore {
  /** The columns of a document's row, of {@code documents d}, as {@link #row} reads them. */
  public static final String COLUMNS =
      "d.id, d.title, d.owner, d.created_at, d.head, d.last_change, d.deleted_at, d.payload_kind,"
          + " d.title_epoch, d.sealed_title";

  private static final int ROW_COLUMNS = SqlDialect.names(COLUMNS).size();

  private final SqlDatabase db;
  private final SqlDialect dialect;
  private final List<String> historyTables;

  /**
   * @param historyTables the tables keyed by {@code doc_id} that a purge empties of the document,
   *     besides its roles
   */
  public SqlDocuments(SqlDatabase db, List<String> historyTables) {
    this.db = db;
    this.dialect = db.dialect();
    this.historyTables = List.copyOf(historyTables);
  }

  @Override
  public boolean create(
      String id,
      String title,
      String owner,
      long nowMillis,
      @Nullable PayloadKind payload,
      @Nullable SealedTitle sealedTitle) {
    String kept = sealedTitle == null ? title : SealedTitle.PLACEHOLDER;
    dialect.requireText("a title", kept);
    return db.change(
        Scope.NONE, // a new document has no appends to wait for
        "creating document " + id,
        changes -> {
          if (changes.update(
                  dialect.insertIfAbsent(
                      "documents",
                      "id",
                      "id, title, owner, created_at, head, last_change, payload_kind,"
                          + " title_epoch, sealed_title"),
                  id,
                  kept,
                  owner,
                  nowMillis,
                  0L,
                  nowMillis,
                  payload == null ? null : payload.name().toLowerCase(Locale.ROOT),
                  sealedTitle == null ? null : sealedTitle.epoch(),
                  sealedTitle == null ? null : sealedTitle.sealed())
              == 0) {
            return false;
          }
          putRole(changes, id, owner, Role.OWNER);
          return true;
        });
  }

  /** The document's row, deleted or not. */
  @Override
  public Optional<DocumentRow> find(String id) {
    return db.read(
        Scope.document(id),
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
        Scope.NONE,
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
        Scope.NONE,
        "reading members of " + id,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT user_name, role FROM document_roles WHERE doc_id = ?"
                      + " ORDER BY CASE role WHEN 'owner' THEN 0 ELSE 1 END, "
                      + dialect.textOrder("user_name"))) {
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
        Scope.ALL,
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
                out.add(row(rs).info(Role.fromWire(rs.getString(ROW_COLUMNS + 1))));
              }
            }
          }
          return out;
        });
  }

  @Override
  public void rename(String id, String title, @Nullable SealedTitle sealedTitle, long nowMillis) {
    String kept = sealedTitle == null ? title : SealedTitle.PLACEHOLDER;
    dialect.requireText("a title", kept);
    update(
        id,
        "renaming " + id,
        "UPDATE documents SET title = ?, title_epoch = ?, sealed_title = ?, last_change = ?"
            + " WHERE id = ?",
        kept,
        sealedTitle == null ? null : sealedTitle.epoch(),
        sealedTitle == null ? null : sealedTitle.sealed(),
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
  public void setRole(String id, String user, @Nullable Role role) {
    db.change(
        Scope.NONE,
        "sharing " + id,
        changes -> {
          if (role == null) {
            if (changes.update(
                        "DELETE FROM document_roles WHERE doc_id = ? AND user_name = ?"
                            + " AND role <> 'owner'",
                        id,
                        user)
                    > 0
                && encrypted(changes, id)) {
              // the removed member holds the current key: it rotates when the owner's client
              // next reads the devices (protocol 8)
              changes.update(
                  dialect.insertIfAbsent("key_rotations_due", "doc_id", "doc_id, due_since"),
                  id,
                  System.currentTimeMillis());
            }
          } else {
            putRole(changes, id, user, role);
          }
          return null;
        });
  }

  private static boolean encrypted(SqlDatabase.Changes changes, String id) throws SQLException {
    try (PreparedStatement s =
        changes
            .connection()
            .prepareStatement("SELECT 1 FROM documents WHERE id = ? AND payload_kind = ?")) {
      s.setString(1, id);
      s.setString(2, PayloadKind.ENCRYPTED.name().toLowerCase(Locale.ROOT));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public List<TrashRow> trash(String owner) {
    return db.read(
        Scope.NONE, // deleted documents take no appends
        "listing the trash of " + owner,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, title, head, deleted_at, title_epoch, sealed_title FROM documents"
                      + " WHERE owner = ?"
                      + " AND deleted_at IS NOT NULL AND purged_at IS NULL ORDER BY "
                      + dialect.textOrder("id"))) {
            s.setString(1, owner);
            List<TrashRow> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new TrashRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        sealedTitle(rs, 5)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public List<String> deletedBefore(long cutoffMillis) {
    return db.read(
        Scope.NONE,
        "finding documents due for purging",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id FROM documents WHERE deleted_at < ? AND purged_at IS NULL"
                      + " ORDER BY "
                      + dialect.textOrder("id"))) {
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
        Scope.document(id),
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
    boolean marked = markPurged(id, nowMillis);
    if (marked) {
      removePurgedHistory(id);
    }
    return marked;
  }

  @Override
  public boolean markPurged(String id, long nowMillis) {
    return db.change(
        Scope.document(id),
        "purging " + id,
        changes -> {
          if (changes.update(
                  "UPDATE documents SET purged_at = ?, head = 0, title = id, title_epoch = NULL,"
                      + " sealed_title = NULL,"
                      + " missing_canonical = 0"
                      + " WHERE id = ? AND deleted_at IS NOT NULL AND purged_at IS NULL",
                  nowMillis,
                  id)
              != 1) {
            return false;
          }
          // an encrypted document's keys go with it (both storages keep them in these tables)
          changes.update("DELETE FROM key_envelopes WHERE doc_id = ?", id);
          changes.update("DELETE FROM document_epochs WHERE doc_id = ?", id);
          changes.update("DELETE FROM key_rotations_due WHERE doc_id = ?", id);
          changes.update("DELETE FROM document_roles WHERE doc_id = ?", id);
          return true;
        });
  }

  @Override
  public List<String> finishPurges() {
    List<String> unfinished = new ArrayList<>();
    for (String table : historyTables) {
      // One index lookup per purged document and table: each table's key starts with doc_id.
      unfinished.addAll(
          db.read(
              Scope.NONE,
              "looking for purges to finish",
              c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement s =
                        c.prepareStatement(
                            "SELECT d.id FROM documents d WHERE d.purged_at IS NOT NULL"
                                + " AND EXISTS (SELECT 1 FROM "
                                + table
                                + " t WHERE t.doc_id = d.id)");
                    ResultSet rs = s.executeQuery()) {
                  while (rs.next()) {
                    ids.add(rs.getString(1));
                  }
                }
                return ids;
              }));
    }
    List<String> finished = unfinished.stream().distinct().sorted().toList();
    for (String id : finished) {
      removePurgedHistory(id);
    }
    return finished;
  }

  /** Removes a purged document's rows from every history table, a few per transaction. */
  private void removePurgedHistory(String id) {
    for (String table : historyTables) {
      purgeRows(id, table);
    }
  }

  /**
   * How many rows of each history table one transaction of a purge deletes, and by which column: a
   * batch row holds up to a message's operations twice, a checkpoint the whole text. In one
   * transaction, H2 held every deleted value of a large document in memory at once.
   */
  private record PurgeStep(String key, int rows) {}

  private static final Map<String, PurgeStep> PURGE_STEPS =
      Map.of(
          "log", new PurgeStep("revision", 256),
          "batches", new PurgeStep("first_revision", 16),
          "latest_batches", new PurgeStep("client_id", 256),
          "checkpoints", new PurgeStep("revision", 1));

  /**
   * Deletes the rows of purged document {@code id} from {@code table} a few per transaction. The
   * document is purged for every reader from the first one (its row says so), so a relay stopped
   * half-way leaves only rows nothing reads.
   */
  private void purgeRows(String id, String table) {
    PurgeStep step = PURGE_STEPS.getOrDefault(table, new PurgeStep("doc_id", Integer.MAX_VALUE));
    String sql =
        "DELETE FROM "
            + table
            + " WHERE doc_id = ? AND "
            + step.key()
            + " IN (SELECT "
            + step.key()
            + " FROM "
            + table
            + " WHERE doc_id = ? ORDER BY "
            + step.key()
            + " LIMIT "
            + step.rows()
            + ")";
    while (db.change(Scope.NONE, "purging " + id + " from " + table, c -> c.update(sql, id, id))
        > 0) {
      // the next few rows
    }
  }

  /** Changes the row of {@code id} once its appends are in (its head is written with them). */
  private void update(String id, String what, String sql, Object... args) {
    db.change(Scope.document(id), what, changes -> changes.update(sql, args));
  }

  private void putRole(SqlDatabase.Changes changes, String id, String user, Role role)
      throws SQLException {
    changes.update(
        dialect.upsert("document_roles", "doc_id, user_name", "doc_id, user_name, role"),
        id,
        user,
        role.wireName());
  }

  /** The document's row in the first columns of {@code rs}, selected as {@link #COLUMNS}. */
  public static DocumentRow row(ResultSet rs) throws SQLException {
    long deleted = rs.getLong(7);
    Long deletedAt = rs.wasNull() ? null : deleted;
    String payload = rs.getString(8);
    return new DocumentRow(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getLong(5),
        rs.getLong(6),
        deletedAt,
        payload == null ? null : PayloadKind.valueOf(payload.toUpperCase(Locale.ROOT)),
        sealedTitle(rs, 9));
  }

  /** The sealed title in columns {@code epochColumn} and the next, or null when there is none. */
  static @Nullable SealedTitle sealedTitle(ResultSet rs, int epochColumn) throws SQLException {
    long epoch = rs.getLong(epochColumn);
    String sealed = rs.getString(epochColumn + 1);
    return rs.wasNull() || sealed == null ? null : new SealedTitle(epoch, sealed);
  }
}
