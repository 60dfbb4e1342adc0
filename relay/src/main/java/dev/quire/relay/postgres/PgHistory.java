package dev.quire.relay.postgres;

import dev.quire.relay.store.StoredCanonical;
import dev.quire.relay.store.sql.SqlHistory;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Each document's history in PostgreSQL: a batch's operations and canonical operations are text
 * arrays (a canonical one equal to the operation as sent is a NULL element), a checkpoint's text is
 * UTF-8 bytes. The reads are {@link SqlHistory}'s; appends go through {@link PgAppender}. A read
 * sees every append reported committed before it began.
 */
final class PgHistory extends SqlHistory {
  private final PgDatabase pg;

  PgHistory(PgDatabase db) {
    super(db);
    this.pg = db;
  }

  @Override
  protected String opCount() {
    return "cardinality(b.operations)";
  }

  @Override
  protected List<String> operations(
      Connection c, ResultSet rs, int column, String doc, long first, int count)
      throws SQLException {
    return texts(rs.getArray(column));
  }

  /** A text array, a NULL element for one equal to the operation as sent (schema V16). */
  @Override
  protected @Nullable List<String> canonical(
      Connection c, ResultSet rs, int column, Sent sent, String doc, long first, int count)
      throws SQLException {
    Array canonical = rs.getArray(column);
    if (canonical == null) {
      return null;
    }
    List<String> stored = texts(canonical);
    return stored.contains(null) ? StoredCanonical.resolve(sent.operations(), stored) : stored;
  }

  /** The canonical operations as a batch row holds them: NULL for each equal to the one sent. */
  static Object[] storedCanonical(List<String> sent, List<String> canonical) {
    return StoredCanonical.compact(sent, canonical).toArray();
  }

  @Override
  protected String textLength(String column) {
    return "COALESCE(length(array_to_string(" + column + ", '')), 0)";
  }

  @Override
  protected String checkpointText(ResultSet rs, int column) throws SQLException {
    return new String(rs.getBytes(column), StandardCharsets.UTF_8);
  }

  /**
   * Fills in derived data for revisions written opaque: their canonical operations from {@code
   * firstRevision} on (a batch only when all of its revisions are given), and checkpoints. Payloads
   * are never changed.
   */
  @Override
  public void fillDerived(
      String doc, long firstRevision, List<String> canonical, List<Checkpoint> checkpoints) {
    pg.inTransaction(
        "filling in derived history of " + doc,
        c -> {
          long last = firstRevision + canonical.size() - 1;
          List<long[]> batches = new ArrayList<>();
          List<List<String>> sent = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT first_revision, last_revision, operations FROM batches WHERE doc_id = ?"
                      + " AND first_revision >= ? AND last_revision <= ? AND canonical IS NULL")) {
            s.setString(1, doc);
            s.setLong(2, firstRevision);
            s.setLong(3, last);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                batches.add(new long[] {rs.getLong(1), rs.getLong(2)});
                sent.add(texts(rs.getArray(3)));
              }
            }
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE batches SET canonical = ? WHERE doc_id = ? AND first_revision = ?"
                      + " AND canonical IS NULL")) {
            for (int i = 0; i < batches.size(); i++) {
              long[] b = batches.get(i);
              int from = (int) (b[0] - firstRevision);
              int to = (int) (b[1] - firstRevision) + 1;
              s.setArray(
                  1,
                  c.createArrayOf(
                      "text", storedCanonical(sent.get(i), canonical.subList(from, to))));
              s.setString(2, doc);
              s.setLong(3, b[0]);
              s.addBatch();
            }
            s.executeBatch();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE documents SET missing_canonical = (SELECT COALESCE(SUM("
                      + "cardinality(operations)), 0) FROM batches WHERE doc_id = ?"
                      + " AND canonical IS NULL) WHERE id = ?")) {
            s.setString(1, doc);
            s.setString(2, doc);
            s.executeUpdate();
          }
          insertCheckpoints(c, doc, checkpoints);
          return null;
        });
  }

  private static void insertCheckpoints(Connection c, String doc, List<Checkpoint> checkpoints)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO checkpoints (doc_id, revision, text) VALUES (?, ?, ?)"
                + " ON CONFLICT (doc_id, revision) DO UPDATE SET text = EXCLUDED.text")) {
      for (Checkpoint cp : checkpoints) {
        s.setString(1, doc);
        s.setLong(2, cp.revision());
        s.setBytes(3, cp.text().getBytes(StandardCharsets.UTF_8));
        s.executeUpdate();
      }
    }
  }

  static List<String> texts(Array array) throws SQLException {
    try {
      return Arrays.asList((String[]) array.getArray());
    } finally {
      array.free();
    }
  }
}
