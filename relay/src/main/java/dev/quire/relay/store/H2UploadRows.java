package dev.quire.relay.store;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryUploads.Page;
import dev.quire.relay.store.sql.SqlDatabase;
import dev.quire.relay.store.sql.SqlUploads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An uploaded page's batches in the embedded database, as {@link H2HistoryStore} keeps appended
 * ones: through {@link SqlDatabase.Changes}, so the journal keeps them as it keeps any other
 * change. The relay is the only writer of its directory: the head needs no lock.
 */
final class H2UploadRows implements SqlUploads.PageRows {
  static final H2UploadRows INSTANCE = new H2UploadRows();

  private H2UploadRows() {}

  @Override
  public long lockHead(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT head FROM documents WHERE id = ? AND deleted_at IS NULL")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  @Override
  public void insert(SqlDatabase.Changes changes, Page page) throws SQLException {
    for (Append a : page.appends()) {
      insertBatch(changes, a, page.uploader());
    }
    writeLatest(changes, page.appends());
  }

  @Override
  public String headMoved() {
    return "";
  }

  private static void insertBatch(SqlDatabase.Changes changes, Append a, String uploader)
      throws SQLException {
    WireSequenced e = a.entry();
    WireBatch b = e.batch();
    String operations = H2HistoryStore.joinOperations(b.operations());
    String canonical =
        a.canonical() == null ? null : H2HistoryStore.joinCanonical(b.operations(), a.canonical());
    if (operations == null || (a.canonical() != null && canonical == null)) {
      for (int i = 0; i < b.size(); i++) { // cannot be held one per line: a log row each
        changes.update(
            "INSERT INTO log (doc_id, revision, base_revision, author, client_id, batch_seq,"
                + " created_at, payload, canonical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            a.doc(),
            e.firstRevision() + i,
            b.baseRevision(),
            e.author(),
            b.clientId(),
            b.batchSeq(),
            e.timestampMillis(),
            b.operations().get(i),
            a.canonical() == null ? null : a.canonical().get(i));
      }
    }
    changes.update(
        "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
            + " base_revision, created_at, digest, operations, canonical, made_at, uploaded_by,"
            + " notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        a.doc(),
        e.author(),
        b.clientId(),
        b.batchSeq(),
        e.firstRevision(),
        b.size(),
        b.baseRevision(),
        e.timestampMillis(),
        a.digest(),
        operations,
        canonical,
        b.madeAt(),
        uploader,
        b.notes());
    if (a.checkpoint() != null) {
      changes.update(
          "INSERT INTO checkpoints (doc_id, revision, text) VALUES (?, ?, ?)",
          a.doc(),
          e.lastRevision(),
          a.checkpoint());
    }
  }

  /** Each client's last batch of the page becomes its latest, which resends are checked against. */
  private static void writeLatest(SqlDatabase.Changes changes, List<Append> appends)
      throws SQLException {
    Map<List<String>, Append> latest = new LinkedHashMap<>();
    for (Append a : appends) {
      latest.put(List.of(a.doc(), a.entry().author(), a.entry().batch().clientId()), a);
    }
    for (Append a : latest.values()) {
      WireSequenced e = a.entry();
      changes.update(
          "MERGE INTO latest_batches (doc_id, author, client_id, batch_seq, first_revision,"
              + " op_count, created_at, digest) KEY (doc_id, author, client_id)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          a.doc(),
          e.author(),
          e.batch().clientId(),
          e.batch().batchSeq(),
          e.firstRevision(),
          e.batch().size(),
          e.timestampMillis(),
          a.digest());
    }
  }
}
