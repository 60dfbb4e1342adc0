package dev.quire.relay.store;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.sql.SqlDocuments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Each document's history: the sequenced batches, one row each holding its operations as sent and
 * its canonical operations (deduplication, whole-batch paging, everything per revision), the log
 * (one row per revision, written before schema V5 and for batches whose operations cannot be held
 * one per line) and the checkpoints.
 */
public final class H2HistoryStore implements HistoryStore {

  private final Database db;

  H2HistoryStore(Database db) {
    this.db = db;
  }

  /**
   * Appends and commits a batch; when this returns, the batch is durable.
   *
   * @throws StoreException when the write fails or the document's head is not the revision before
   *     the batch (nothing is stored then)
   */
  public void append(Append a) {
    db.inTransaction(
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

  /** Reads the latest batch of each client of the document given as its one parameter. */
  static final String LATEST_BATCHES_SQL =
      "SELECT author, client_id, batch_seq, first_revision, op_count, created_at, digest"
          + " FROM latest_batches WHERE doc_id = ?";

  /**
   * The latest batch of every (author, client id) that wrote to {@code doc}, to dedupe from: one
   * row per client, kept with each append (schema V6), whatever the length of the history.
   */
  @Override
  public List<LatestBatch> latestBatches(String doc) {
    return db.read(
        Database.Scope.document(doc),
        "reading the batches of " + doc,
        c -> {
          List<LatestBatch> out = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(LATEST_BATCHES_SQL)) {
            s.setString(1, doc);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(new LatestBatch(rs.getString(1), rs.getString(2), StoredBatch.read(rs, 3)));
              }
            }
          }
          return out;
        });
  }

  /**
   * The batch {@code author} sent as ({@code clientId}, {@code seq}) if it was sequenced, else the
   * first later batch of that client, if any (which makes {@code seq} a batch sent out of order).
   */
  @Override
  public Optional<StoredBatch> findBatchAtOrAfter(
      String doc, String author, String clientId, long seq) {
    return db.read(
        Database.Scope.document(doc),
        "looking up a batch of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT batch_seq, first_revision, op_count, created_at, digest FROM batches"
                      + " WHERE doc_id = ? AND author = ? AND client_id = ? AND batch_seq >= ?"
                      + " ORDER BY batch_seq LIMIT 1")) {
            s.setString(1, doc);
            s.setString(2, author);
            s.setString(3, clientId);
            s.setLong(4, seq);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(StoredBatch.read(rs, 1)) : Optional.empty();
            }
          }
        });
  }

  /**
   * Like {@link #page(String, long, int)}, and at most {@code maxBytes} on the wire ({@link
   * WireSequenced#wireBytesBound}) unless a single batch is larger: then it comes alone.
   */
  @Override
  public List<WireSequenced> page(String doc, long afterRevision, int pageSize, long maxBytes) {
    return db.read(
        Database.Scope.document(doc),
        "reading the history of " + doc,
        c -> {
          long start = batchStart(c, doc, afterRevision + 1);
          if (start < 0) {
            return List.of();
          }
          return readPage(c, doc, start, pageSize, maxBytes);
        });
  }

  /**
   * The row, then the batches after {@code afterRevision} read as {@link #entries} reads them (the
   * embedded storage's relay is its only writer: nothing moves in between).
   */
  @Override
  public RowAndEntries rowAndEntriesAfter(String doc, long afterRevision, long maxRevisions) {
    DocumentStore.DocumentRow row =
        db.read(
            Database.Scope.document(doc),
            "reading document " + doc,
            c -> {
              try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT " + SqlDocuments.COLUMNS + " FROM documents d WHERE d.id = ?")) {
                s.setString(1, doc);
                try (ResultSet rs = s.executeQuery()) {
                  return rs.next() ? SqlDocuments.row(rs) : null;
                }
              }
            });
    if (row == null
        || row.deleted()
        || row.head() <= afterRevision
        || row.head() - afterRevision > maxRevisions) {
      return new RowAndEntries(row, List.of());
    }
    return new RowAndEntries(row, entries(doc, afterRevision, row.head()));
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

  /** The latest checkpoint revision at or before {@code revision}, if any. */
  @Override
  public OptionalLong checkpointAtOrBefore(String doc, long revision) {
    return aggregate(
        "finding a checkpoint of " + doc,
        "SELECT MAX(revision) FROM checkpoints WHERE doc_id = ? AND revision <= ?",
        doc,
        revision);
  }

  /** The checkpoint at exactly {@code revision}. */
  @Override
  public Optional<Checkpoint> checkpoint(String doc, long revision) {
    return db.read(
        Database.Scope.document(doc),
        "reading a checkpoint of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT text FROM checkpoints WHERE doc_id = ? AND revision = ?")) {
            s.setString(1, doc);
            s.setLong(2, revision);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Checkpoint(revision, rs.getString(1)))
                  : Optional.empty();
            }
          }
        });
  }

  /**
   * The smallest base revision of the batches placed after {@code revision}, if any: a reader who
   * starts from a checkpoint at {@code revision} can canonicalise them all only if it is at least
   * {@code revision}.
   */
  @Override
  public OptionalLong minBaseAfter(String doc, long revision) {
    return aggregate(
        "reading the history of " + doc,
        "SELECT MIN(base_revision) FROM batches WHERE doc_id = ? AND first_revision > ?",
        doc,
        revision);
  }

  /** A one-value aggregate query on (doc, revision); empty when SQL gives NULL (no rows). */
  private OptionalLong aggregate(String what, String sql, String doc, long revision) {
    return db.read(
        Database.Scope.document(doc),
        what,
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, doc);
            s.setLong(2, revision);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              long r = rs.getLong(1);
              return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(r);
            }
          }
        });
  }

  /** The canonical operations (JSON, null where not computed) of revisions {@code from..to}. */
  @Override
  public List<String> canonical(String doc, long from, long to) {
    return db.read(
        Database.Scope.document(doc),
        "reading the history of " + doc,
        c -> {
          List<String> out = new ArrayList<>((int) Math.max(0, to - from + 1));
          long start = batchStart(c, doc, from);
          if (start < 0) {
            return out;
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT first_revision, op_count, canonical FROM batches WHERE doc_id = ?"
                      + " AND first_revision >= ? AND first_revision <= ? ORDER BY first_revision")) {
            s.setString(1, doc);
            s.setLong(2, start);
            s.setLong(3, to);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                long first = rs.getLong(1);
                int count = rs.getInt(2);
                List<String> ops = splitOperations(rs.getString(3), count);
                if (ops == null) { // not computed, or held in the log (written before V5)
                  ops = logColumn(c, "canonical", doc, first, first + count - 1);
                  if (ops.size() != count) {
                    ops = java.util.Collections.nCopies(count, null);
                  }
                }
                for (int i = 0; i < count; i++) {
                  long r = first + i;
                  if (r >= from && r <= to) {
                    out.add(ops.get(i));
                  }
                }
              }
            }
          }
          return out;
        });
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
   * Number of revisions whose canonical operation was not computed (written in opaque mode), as
   * counted with each append rather than by reading the log.
   */
  @Override
  public long missingCanonical(String doc) {
    return db.read(
        Database.Scope.document(doc),
        "reading the history of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT missing_canonical FROM documents WHERE id = ?")) {
            s.setString(1, doc);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? rs.getLong(1) : 0L;
            }
          }
        });
  }

  /**
   * Fills in derived data for revisions written in opaque mode: their canonical operations from
   * {@code firstRevision} on, and checkpoints. Payloads are never changed.
   */
  @Override
  public void fillDerived(
      String doc, long firstRevision, List<String> canonical, List<Checkpoint> checkpoints) {
    db.inTransaction(
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
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT first_revision, op_count FROM batches WHERE doc_id = ?"
                + " AND first_revision >= ? AND first_revision <= ? AND canonical IS NULL")) {
      s.setString(1, doc);
      s.setLong(2, firstRevision);
      s.setLong(3, last);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          batches.add(new long[] {rs.getLong(1), rs.getInt(2)});
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE batches SET canonical = ? WHERE doc_id = ? AND first_revision = ?")) {
      for (long[] b : batches) {
        int from = (int) (b[0] - firstRevision);
        int to = from + (int) b[1];
        if (to > canonical.size()) {
          continue; // only part of it given: it stays uncomputed
        }
        String joined = joinOperations(canonical.subList(from, to));
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

  /** First revision of the batch holding {@code revision}, or -1 when there is none. */
  private static long batchStart(Connection c, String doc, long revision) throws SQLException {
    // Readers page by whole batches, so the revision usually starts one: an exact index lookup.
    // The search below reads, in H2, every earlier batch of the document (it does not walk the
    // index backwards for ORDER BY ... DESC LIMIT 1), which made paging through a long history
    // quadratic.
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM batches WHERE doc_id = ? AND first_revision = ?")) {
      s.setString(1, doc);
      s.setLong(2, revision);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return revision;
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT first_revision, op_count FROM batches WHERE doc_id = ? AND first_revision <= ?"
                + " ORDER BY first_revision DESC LIMIT 1")) {
      s.setString(1, doc);
      s.setLong(2, revision);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next() && rs.getLong(1) + rs.getInt(2) > revision) {
          return rs.getLong(1);
        }
      }
    }
    return -1;
  }

  /**
   * Whole batches from the one at {@code start}, while the page stays within {@code pageSize}
   * revisions and {@code maxBytes} (at least one batch), each read from its batch row.
   */
  private static List<WireSequenced> readPage(
      Connection c, String doc, long start, int pageSize, long maxBytes) throws SQLException {
    List<WireSequenced> out = new ArrayList<>();
    long bytes = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT first_revision, op_count, base_revision, author, client_id, batch_seq,"
                + " created_at, operations, made_at, notes FROM batches WHERE doc_id = ?"
                + " AND first_revision >= ?"
                + " AND first_revision < ? ORDER BY first_revision")) {
      s.setString(1, doc);
      s.setLong(2, start);
      s.setLong(3, start + pageSize);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long first = rs.getLong(1);
          int count = rs.getInt(2);
          if (!out.isEmpty() && first + count - start > pageSize) {
            break;
          }
          String author = rs.getString(4);
          String clientId = rs.getString(5);
          long seq = rs.getLong(6);
          List<String> ops = splitOperations(rs.getString(8), count);
          if (ops == null) {
            ops = logOperations(c, doc, first, count);
          }
          long timestamp = rs.getLong(7);
          long madeAt = rs.getLong(9);
          if (rs.wasNull()) { // stored before authors' times were kept: the relay's time stands
            madeAt = timestamp;
          }
          WireSequenced entry =
              new WireSequenced(
                  first,
                  author,
                  timestamp,
                  new WireBatch(clientId, seq, rs.getLong(3), ops, madeAt, rs.getString(10)));
          bytes += entry.wireBytesBound();
          if (!out.isEmpty() && bytes > maxBytes) {
            break;
          }
          out.add(entry);
        }
      }
    }
    return out;
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
