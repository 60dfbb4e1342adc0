package dev.quire.editor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The store's SQL, each method on a connection the caller owns (the store's thread). */
final class Queries {
  private Queries() {}

  private static final String DOC_COLUMNS =
      "d.id, d.title, d.created_at, d.head, d.on_relay, d.title_synced, d.relay_head,"
          + " d.last_synced_at, d.sync_error,"
          + " "
          + Outbox.COUNT_SQL
          + ", d.relay_role";

  // ---- settings ----

  static Map<String, String> settings(Connection c) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT name, setting_value FROM settings");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  static void putSetting(Connection c, String name, String value) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("MERGE INTO settings (name, setting_value) KEY (name) VALUES (?, ?)")) {
      s.setString(1, name);
      s.setString(2, value);
      s.executeUpdate();
    }
  }

  // ---- documents ----

  static List<LocalDocument> documents(Connection c) throws SQLException {
    List<LocalDocument> out = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT " + DOC_COLUMNS + " FROM documents d ORDER BY d.created_at, d.id");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(document(rs));
      }
    }
    return out;
  }

  static Optional<LocalDocument> document(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT " + DOC_COLUMNS + " FROM documents d WHERE d.id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(document(rs)) : Optional.empty();
      }
    }
  }

  private static LocalDocument document(ResultSet rs) throws SQLException {
    return new LocalDocument(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getLong(4),
        rs.getInt(10),
        rs.getBoolean(5),
        rs.getBoolean(6),
        rs.getLong(7),
        rs.getLong(8),
        rs.getString(9),
        rs.getString(11) == null ? null : dev.quire.ot.protocol.Role.fromWire(rs.getString(11)));
  }

  static boolean insertDocument(
      Connection c, String id, String title, long created, boolean onRelay) throws SQLException {
    if (document(c, id).isPresent() || relayDeletePending(c, id) || DocumentPurge.pending(c, id)) {
      // an id being deleted on the relay, or whose rows are still being purged, stays taken
      return false;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO documents (id, title, created_at, head, next_batch_seq, on_relay,"
                + " title_synced, relay_head) VALUES (?, ?, ?, 0, 1, ?, ?, 0)")) {
      s.setString(1, id);
      s.setString(2, title);
      s.setLong(3, created);
      s.setBoolean(4, onRelay);
      s.setBoolean(5, onRelay);
      s.executeUpdate();
    }
    return true;
  }

  static boolean relayDeletePending(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM relay_deletes WHERE doc_id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  static int update(Connection c, String sql, @Nullable Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        if (args[i] == null) {
          s.setNull(i + 1, Types.VARCHAR);
        } else {
          s.setObject(i + 1, args[i]);
        }
      }
      return s.executeUpdate();
    }
  }

  /** The notes not yet sent, as saved. */
  static List<dev.quire.ot.note.Note> pendingNotes(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT pending_notes FROM documents WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        String json = rs.next() ? rs.getString(1) : null;
        return json == null
            ? List.of()
            : dev.quire.ot.note.NoteCodec.fromJson(json, "documents.pending_notes");
      }
    }
  }

  /**
   * The sync columns of a document: head, next batch seq, in-flight batch ({@link InFlightColumn}).
   */
  record SyncRow(long head, long nextBatchSeq, @Nullable String inFlight) {}

  static SyncRow syncRow(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT head, next_batch_seq, in_flight FROM documents WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new StoreException("no document " + id);
        }
        return new SyncRow(rs.getLong(1), rs.getLong(2), rs.getString(3));
      }
    }
  }

  // ---- checkpoints ----

  record Checkpoint(long revision, String text) {}

  static void insertCheckpoint(Connection c, String doc, long revision, String text)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "MERGE INTO checkpoints (doc_id, revision, content) KEY (doc_id, revision)"
                + " VALUES (?, ?, ?)")) {
      s.setString(1, doc);
      s.setLong(2, revision);
      s.setString(3, text);
      s.executeUpdate();
    }
  }

  /** The latest checkpoint at or before {@code revision}, or the empty text at revision 0. */
  static Checkpoint checkpointAtOrBefore(Connection c, String doc, long revision)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT revision, content FROM checkpoints WHERE doc_id = ? AND revision <= ?"
                + " ORDER BY revision DESC LIMIT 1")) {
      s.setString(1, doc);
      s.setLong(2, revision);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Checkpoint(rs.getLong(1), rs.getString(2)) : new Checkpoint(0, "");
      }
    }
  }
}
