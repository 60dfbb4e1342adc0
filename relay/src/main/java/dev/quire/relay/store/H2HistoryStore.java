package dev.quire.relay.store;

import dev.quire.relay.store.sql.SqlHistory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Each document's history: the sequenced batches, one row each holding its operations as sent and
 * its canonical operations (deduplication, whole-batch paging, everything per revision), the log
 * (one row per revision, written before schema V5 and for batches whose operations cannot be held
 * one per line) and the checkpoints.
 */
public final class H2HistoryStore extends SqlHistory {
  private final Database h2;

  H2HistoryStore(Database db) {
    super(db);
    this.h2 = db;
  }

  @Override
  protected String opCount() {
    return "b.op_count";
  }

  /** One text, one operation per line; the log's rows where it has none (written before V5). */
  @Override
  protected List<String> operations(
      Connection c, ResultSet rs, int column, String doc, long first, int count)
      throws SQLException {
    List<String> ops = splitOperations(rs.getString(column), count);
    return ops != null ? ops : logOperations(c, doc, first, count);
  }

  /**
   * One text, one operation per line, an empty line for one equal to the operation as sent (schema
   * V21); the log's rows where it has none (written before V5), which hold each one in full.
   */
  @Override
  protected @Nullable List<String> canonical(
      Connection c, ResultSet rs, int column, Sent sent, String doc, long first, int count)
      throws SQLException {
    List<String> ops = splitOperations(rs.getString(column), count);
    if (ops == null) { // not computed, or held in the log (written before V5)
      ops = logColumn(c, "canonical", doc, first, first + count - 1);
      return ops.size() == count ? ops : null;
    }
    List<String> stored = new ArrayList<>(count);
    for (String op : ops) {
      stored.add(op.isEmpty() ? null : op);
    }
    return stored.contains(null) ? StoredCanonical.resolve(sent.operations(), stored) : stored;
  }

  @Override
  protected String textLength(String column) {
    return "COALESCE(LENGTH(" + column + "), 0)";
  }

  @Override
  protected String checkpointText(ResultSet rs, int column) throws SQLException {
    return rs.getString(column);
  }

  /**
   * Appends and commits a batch; when this returns, the batch is durable.
   *
   * @throws StoreException when the write fails or the document's head is not the revision before
   *     the batch (nothing is stored then)
   */
  public void append(Append a) {
    h2.inTransaction(
        Database.Scope.document(a.doc()),
        "appending to " + a.doc(),
        c -> {
          try (AppendWriter w = new AppendWriter(c)) {
            w.add(a);
            w.flush();
          }
          return null;
        });
  }

  /**
   * A batch's operations in one text, one JSON text per line (JSON text as the codec writes it has
   * no raw line break), or null when one has a line break after all: then it is read from the log.
   */
  static String joinOperations(List<String> operations) {
    for (String op : operations) {
      if (op.indexOf('\n') >= 0) {
        return null;
      }
    }
    return String.join("\n", operations);
  }

  /**
   * A batch's canonical operations as {@code batches.canonical} holds them: one per line, an empty
   * line for each equal to the operation as sent; null when one has a line break.
   */
  static String joinCanonical(List<String> sent, List<String> canonical) {
    List<String> lines = new ArrayList<>(canonical.size());
    for (String op : StoredCanonical.compact(sent, canonical)) {
      lines.add(op == null ? "" : op);
    }
    return joinOperations(lines);
  }

  /** The lines of {@code joined}, or null when it is null or does not hold {@code count}. */
  private static List<String> splitOperations(String joined, int count) {
    if (joined == null) {
      return null;
    }
    List<String> ops = List.of(joined.split("\n", -1));
    return ops.size() == count ? ops : null;
  }

  /** One column of the log rows of revisions {@code from..to}, in revision order. */
  private static List<String> logColumn(Connection c, String column, String doc, long from, long to)
      throws SQLException {
    List<String> out = new ArrayList<>((int) Math.max(0, to - from + 1));
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + column
                + " FROM log WHERE doc_id = ? AND revision BETWEEN ? AND ? ORDER BY revision")) {
      s.setString(1, doc);
      s.setLong(2, from);
      s.setLong(3, to);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /**
   * Fills in derived data for revisions written in opaque mode: their canonical operations from
   * {@code firstRevision} on, and checkpoints. Payloads are never changed.
   */
  @Override
  public void fillDerived(
      String doc, long firstRevision, List<String> canonical, List<Checkpoint> checkpoints) {
    h2.inTransaction(
        Database.Scope.document(doc),
        "filling in derived history of " + doc,
        c -> {
          // Rows written before V5 keep their canonical operations in the log.
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE log SET canonical = ? WHERE doc_id = ? AND revision = ?"
                      + " AND canonical IS NULL")) {
            for (int i = 0; i < canonical.size(); i++) {
              s.setString(1, canonical.get(i));
              s.setString(2, doc);
              s.setLong(3, firstRevision + i);
              s.addBatch();
            }
            s.executeBatch();
          }
          fillBatchCanonical(c, doc, firstRevision, canonical);
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE documents SET missing_canonical = (SELECT COALESCE(SUM(op_count), 0)"
                      + " FROM batches WHERE doc_id = ? AND canonical IS NULL) WHERE id = ?")) {
            s.setString(1, doc); // counted once here, where the whole history is rewritten anyway
            s.setString(2, doc);
            s.executeUpdate();
          }
          for (Checkpoint cp : checkpoints) {
            try (PreparedStatement s =
                c.prepareStatement(
                    "MERGE INTO checkpoints (doc_id, revision, text) KEY (doc_id, revision)"
                        + " VALUES (?, ?, ?)")) {
              s.setString(1, doc);
              s.setLong(2, cp.revision());
              s.setString(3, cp.text());
              s.executeUpdate();
            }
          }
          return null;
        });
  }

  /** Gives each batch lacking them its canonical operations, from {@code canonical}. */
  private static void fillBatchCanonical(
      Connection c, String doc, long firstRevision, List<String> canonical) throws SQLException {
    long last = firstRevision + canonical.size() - 1;
    List<long[]> batches = new ArrayList<>();
    List<List<String>> sent = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT first_revision, op_count, operations FROM batches WHERE doc_id = ?"
                + " AND first_revision >= ? AND first_revision <= ? AND canonical IS NULL")) {
      s.setString(1, doc);
      s.setLong(2, firstRevision);
      s.setLong(3, last);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          batches.add(new long[] {rs.getLong(1), rs.getInt(2)});
          sent.add(splitOperations(rs.getString(3), rs.getInt(2)));
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE batches SET canonical = ? WHERE doc_id = ? AND first_revision = ?")) {
      for (int i = 0; i < batches.size(); i++) {
        long[] b = batches.get(i);
        int from = (int) (b[0] - firstRevision);
        int to = from + (int) b[1];
        if (to > canonical.size()) {
          continue; // only part of it given: it stays uncomputed
        }
        List<String> ops = canonical.subList(from, to);
        // Operations held in the log (written before V5) are not compared: kept in full.
        String joined = sent.get(i) == null ? joinOperations(ops) : joinCanonical(sent.get(i), ops);
        if (joined != null) {
          s.setString(1, joined);
          s.setString(2, doc);
          s.setLong(3, b[0]);
          s.addBatch();
        }
      }
      s.executeBatch();
    }
  }

  /** A batch's operations from its log rows. */
  private static List<String> logOperations(Connection c, String doc, long first, int count)
      throws SQLException {
    List<String> ops = logColumn(c, "payload", doc, first, first + count - 1);
    if (ops.size() != count) {
      throw new StoreException(
          "the log of " + doc + " lacks revisions of the batch at " + first + ": corrupt");
    }
    return ops;
  }
}
