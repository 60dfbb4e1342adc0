package dev.quire.relay.postgres;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.DocumentStore;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.sql.SqlDocuments;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads each document's history from PostgreSQL (one row per batch, its operations and canonical
 * operations as text arrays), and fills in what a relay derives from opaque revisions. Appends go
 * through {@link PgAppender}. A read sees every append reported committed before it began.
 */
final class PgHistory implements HistoryStore {
  private final PgDatabase db;

  PgHistory(PgDatabase db) {
    this.db = db;
  }

  /** The latest batch of every (author, client id) that wrote to {@code doc}. */
  @Override
  public List<LatestBatch> latestBatches(String doc) {
    return db.read(
        "reading the batches of " + doc,
        c -> {
          List<LatestBatch> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT author, client_id, batch_seq, first_revision, op_count, created_at,"
                      + " digest FROM latest_batches WHERE doc_id = ?")) {
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
   * first later batch of that client, if any.
   */
  @Override
  public Optional<StoredBatch> findBatchAtOrAfter(
      String doc, String author, String clientId, long seq) {
    return db.read(
        "looking up a batch of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT batch_seq, first_revision, cardinality(operations), created_at, digest"
                      + " FROM batches WHERE doc_id = ? AND author = ? AND client_id = ?"
                      + " AND batch_seq >= ? ORDER BY batch_seq LIMIT 1")) {
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
   * Whole batches holding the revisions after {@code afterRevision}, in order, about {@code
   * pageSize} revisions and at most {@code maxBytes} on the wire ({@link
   * WireSequenced#wireBytesBound}) unless a single batch is larger: then it comes alone. The first
   * batch may start at or before {@code afterRevision} when that revision is inside it.
   */
  @Override
  public List<WireSequenced> page(String doc, long afterRevision, int pageSize, long maxBytes) {
    return db.read(
        "reading the history of " + doc,
        c -> {
          List<WireSequenced> out = new ArrayList<>();
          long bytes = 0;
          // Batches do not overlap, so in last-revision order (an index) the first one ending
          // after afterRevision holds afterRevision + 1, and the ones after it follow on.
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT first_revision, base_revision, author, client_id, batch_seq,"
                      + " created_at, operations, COALESCE(made_at, created_at), notes FROM batches"
                      + " WHERE doc_id = ?"
                      + " AND last_revision > ? AND first_revision <= ? + ?"
                      + " ORDER BY last_revision")) {
            s.setString(1, doc);
            s.setLong(2, afterRevision);
            s.setLong(3, afterRevision);
            s.setLong(4, pageSize);
            try (ResultSet rs = s.executeQuery()) {
              long start = -1;
              while (rs.next()) {
                long first = rs.getLong(1);
                List<String> ops = texts(rs.getArray(7));
                if (start < 0) {
                  start = first;
                } else if (first + ops.size() - start > pageSize) {
                  break;
                }
                WireSequenced entry =
                    new WireSequenced(
                        first,
                        rs.getString(3),
                        rs.getLong(6),
                        new WireBatch(
                            rs.getString(4),
                            rs.getLong(5),
                            rs.getLong(2),
                            ops,
                            rs.getLong(8),
                            rs.getString(9)));
                bytes += entry.wireBytesBound();
                if (!out.isEmpty() && bytes > maxBytes) {
                  break;
                }
                out.add(entry);
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<StoredEntry> entries(String doc, long afterRevision, long toRevision) {
    return db.read(
        "reading the history of " + doc,
        c -> {
          List<StoredEntry> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + ENTRY_COLUMNS
                      + " FROM batches b WHERE b.doc_id = ?"
                      + " AND b.first_revision > ? AND b.last_revision <= ?"
                      + " ORDER BY b.first_revision")) {
            s.setString(1, doc);
            s.setLong(2, afterRevision);
            s.setLong(3, toRevision);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(entry(rs, 1));
              }
            }
          }
          return out;
        });
  }

  /** A batch in full, of {@code batches b}, as {@link #entry} reads it. */
  private static final String ENTRY_COLUMNS =
      "b.first_revision, b.base_revision, b.author, b.client_id, b.batch_seq, b.created_at,"
          + " b.operations, COALESCE(b.made_at, b.created_at), b.canonical, b.digest, b.notes";

  /** The batch in the columns of {@code rs} from {@code column} on, selected as ENTRY_COLUMNS. */
  private static StoredEntry entry(ResultSet rs, int column) throws SQLException {
    WireSequenced entry =
        new WireSequenced(
            rs.getLong(column),
            rs.getString(column + 2),
            rs.getLong(column + 5),
            new WireBatch(
                rs.getString(column + 3),
                rs.getLong(column + 4),
                rs.getLong(column + 1),
                texts(rs.getArray(column + 6)),
                rs.getLong(column + 7),
                rs.getString(column + 10)));
    Array canonical = rs.getArray(column + 8);
    return new StoredEntry(
        entry, canonical == null ? null : texts(canonical), rs.getBytes(column + 9));
  }

  /** One statement: the row, joined with the batches after the revision when they are wanted. */
  @Override
  public RowAndEntries rowAndEntriesAfter(String doc, long afterRevision, long maxRevisions) {
    return db.read(
        "reading document " + doc + " and its history",
        c -> {
          DocumentStore.DocumentRow row = null;
          List<StoredEntry> entries = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + SqlDocuments.COLUMNS
                      + ", "
                      + ENTRY_COLUMNS
                      + " FROM documents d"
                      + " LEFT JOIN batches b ON d.deleted_at IS NULL AND d.head - ? <= ?"
                      + " AND b.doc_id = d.id AND b.first_revision > ?"
                      + " AND b.last_revision <= d.head WHERE d.id = ? ORDER BY b.first_revision")) {
            s.setLong(1, afterRevision);
            s.setLong(2, maxRevisions);
            s.setLong(3, afterRevision);
            s.setString(4, doc);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                if (row == null) {
                  row = SqlDocuments.row(rs);
                }
                if (rs.getObject(ROW_COLUMN_COUNT + 1) != null) {
                  entries.add(entry(rs, ROW_COLUMN_COUNT + 1));
                }
              }
            }
          }
          return new RowAndEntries(row, entries);
        });
  }

  private static final int ROW_COLUMN_COUNT = SqlDocuments.COLUMNS.split(",").length;

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
        "reading a checkpoint of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT text FROM checkpoints WHERE doc_id = ? AND revision = ?")) {
            s.setString(1, doc);
            s.setLong(2, revision);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new Checkpoint(revision, new String(rs.getBytes(1), StandardCharsets.UTF_8)))
                  : Optional.empty();
            }
          }
        });
  }

  /** The smallest base revision of the batches placed after {@code revision}, if any. */
  @Override
  public OptionalLong minBaseAfter(String doc, long revision) {
    return aggregate(
        "reading the history of " + doc,
        "SELECT MIN(base_revision) FROM batches WHERE doc_id = ? AND first_revision > ?",
        doc,
        revision);
  }

  private OptionalLong aggregate(String what, String sql, String doc, long revision) {
    return db.read(
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
        "reading the history of " + doc,
        c -> {
          List<String> out = new ArrayList<>((int) Math.max(0, Math.min(to - from + 1, 1 << 16)));
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT first_revision, cardinality(operations), canonical FROM batches"
                      + " WHERE doc_id = ? AND last_revision >= ? AND first_revision <= ?"
                      + " ORDER BY last_revision")) {
            s.setString(1, doc);
            s.setLong(2, from);
            s.setLong(3, to);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                long first = rs.getLong(1);
                int count = rs.getInt(2);
                Array canonical = rs.getArray(3);
                List<String> ops =
                    canonical == null ? Collections.nCopies(count, null) : texts(canonical);
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

  /** Number of revisions whose canonical operation was not computed (written opaque). */
  @Override
  public long missingCanonical(String doc) {
    return db.read(
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
   * Fills in derived data for revisions written opaque: their canonical operations from {@code
   * firstRevision} on (a batch only when all of its revisions are given), and checkpoints. Payloads
   * are never changed.
   */
  @Override
  public void fillDerived(
      String doc, long firstRevision, List<String> canonical, List<Checkpoint> checkpoints) {
    db.inTransaction(
        "filling in derived history of " + doc,
        c -> {
          long last = firstRevision + canonical.size() - 1;
          List<long[]> batches = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT first_revision, last_revision FROM batches WHERE doc_id = ?"
                      + " AND first_revision >= ? AND last_revision <= ? AND canonical IS NULL")) {
            s.setString(1, doc);
            s.setLong(2, firstRevision);
            s.setLong(3, last);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                batches.add(new long[] {rs.getLong(1), rs.getLong(2)});
              }
            }
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE batches SET canonical = ? WHERE doc_id = ? AND first_revision = ?"
                      + " AND canonical IS NULL")) {
            for (long[] b : batches) {
              int from = (int) (b[0] - firstRevision);
              int to = (int) (b[1] - firstRevision) + 1;
              s.setArray(1, c.createArrayOf("text", canonical.subList(from, to).toArray()));
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
