package dev.quire.relay.postgres;

import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryUploads.Page;
import dev.quire.relay.store.sql.SqlDatabase;
import dev.quire.relay.store.sql.SqlUploads;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An uploaded page's batches on PostgreSQL, as {@link PgAppendGroup} keeps appended ones
 * (operations as text arrays, one row a batch): the document's row is locked as appends lock it, so
 * that no other relay moves the document meanwhile, and the head's move is stamped for the feed's
 * poll.
 */
final class PgUploadRows implements SqlUploads.PageRows {
  static final PgUploadRows INSTANCE = new PgUploadRows();

  private PgUploadRows() {}

  @Override
  public void insert(SqlDatabase.Changes changes, Page page) throws SQLException {
    Connection c = changes.connection(); // PostgreSQL keeps its own writes: none to record
    insertBatches(c, page);
    upsertLatest(c, page.appends());
    insertCheckpoints(c, page.appends());
  }

  @Override
  public String headMoved() {
    return ", moved_at = clock_timestamp()";
  }

  @Override
  public long lockHead(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT head FROM documents WHERE id = ? AND deleted_at IS NULL FOR NO KEY UPDATE")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  private static void insertBatches(Connection c, Page page) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO batches (doc_id, first_revision, last_revision, base_revision, author,"
                + " client_id, batch_seq, created_at, operations, canonical, digest, made_at,"
                + " uploaded_by, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Append a : page.appends()) {
        WireSequenced e = a.entry();
        s.setString(1, a.doc());
        s.setLong(2, e.firstRevision());
        s.setLong(3, e.lastRevision());
        s.setLong(4, e.batch().baseRevision());
        s.setString(5, e.author());
        s.setString(6, e.batch().clientId());
        s.setLong(7, e.batch().batchSeq());
        s.setLong(8, e.timestampMillis());
        s.setArray(9, c.createArrayOf("text", e.batch().operations().toArray()));
        s.setArray(
            10,
            a.canonical() == null
                ? null
                : c.createArrayOf(
                    "text", PgHistory.storedCanonical(e.batch().operations(), a.canonical())));
        s.setBytes(11, a.digest());
        s.setLong(12, e.batch().madeAt());
        s.setString(13, page.uploader());
        s.setString(14, e.batch().notes());
        s.addBatch();
      }
      if (!page.appends().isEmpty()) {
        s.executeBatch();
      }
    }
  }

  private static void upsertLatest(Connection c, List<Append> appends) throws SQLException {
    Map<List<String>, Append> latest = new LinkedHashMap<>();
    for (Append a : appends) {
      latest.put(List.of(a.doc(), a.entry().author(), a.entry().batch().clientId()), a);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO latest_batches (doc_id, author, client_id, batch_seq, first_revision,"
                + " op_count, created_at, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (doc_id, author, client_id) DO UPDATE SET"
                + " batch_seq = EXCLUDED.batch_seq, first_revision = EXCLUDED.first_revision,"
                + " op_count = EXCLUDED.op_count, created_at = EXCLUDED.created_at,"
                + " digest = EXCLUDED.digest WHERE latest_batches.batch_seq < EXCLUDED.batch_seq")) {
      for (Append a : latest.values()) {
        WireSequenced e = a.entry();
        s.setString(1, a.doc());
        s.setString(2, e.author());
        s.setString(3, e.batch().clientId());
        s.setLong(4, e.batch().batchSeq());
        s.setLong(5, e.firstRevision());
        s.setInt(6, e.batch().size());
        s.setLong(7, e.timestampMillis());
        s.setBytes(8, a.digest());
        s.addBatch();
      }
      if (!latest.isEmpty()) {
        s.executeBatch();
      }
    }
  }

  private static void insertCheckpoints(Connection c, List<Append> appends) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO checkpoints (doc_id, revision, text) VALUES (?, ?, ?)")) {
      for (Append a : appends) {
        if (a.checkpoint() != null) {
          s.setString(1, a.doc());
          s.setLong(2, a.entry().lastRevision());
          s.setBytes(3, a.checkpoint().getBytes(StandardCharsets.UTF_8));
          s.executeUpdate();
        }
      }
    }
  }
}
