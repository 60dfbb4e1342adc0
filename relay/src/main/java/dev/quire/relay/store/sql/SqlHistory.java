package dev.quire.relay.store.sql;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Reads each document's history (one row per batch in {@code batches}, the checkpoints, the
 * clients' latest batches) with the same SQL on both storages. They differ in how a batch keeps its
 * operations and canonical operations and a checkpoint its text, which a subclass reads, and in how
 * derived data is filled in, which it writes. Thread-safe.
 */
public abstract class SqlHistory implements HistoryStore {
  protected final SqlDatabase db;
  // A batch in full, of batches b, as entry() reads it; the subclass's count of its operations is
  // appended.
  private static final String ENTRY_COLUMNS =
      "b.first_revision, b.base_revision, b.author, b.client_id, b.batch_seq, b.created_at,"
          + " b.operations, COALESCE(b.made_at, b.created_at), b.canonical, b.digest, b.notes, ";
  private static final int ROW_COLUMN_COUNT = SqlDialect.names(SqlDocuments.COLUMNS).size();

  /** Reads the latest batch of each client of the document given as its one parameter. */
  public static final String LATEST_BATCHES_SQL =
      "SELECT author, client_id, batch_seq, first_revision, op_count, created_at, digest"
          + " FROM latest_batches WHERE doc_id = ?";

  protected SqlHistory(SqlDatabase db) {
    this.db = db;
  }

  /** How many operations the batch {@code b} holds, as an SQL expression. */
  protected abstract String opCount();

  /**
   * The operations of the batch at {@code first} of {@code doc}, holding {@code count}, from column
   * {@code column} of {@code rs} (selected as {@code b.operations}).
   */
  protected abstract List<String> operations(
      Connection c, ResultSet rs, int column, String doc, long first, int count)
      throws SQLException;

  /**
   * The canonical operations of that batch from column {@code column} (selected as {@code
   * b.canonical}), null where one was not computed; null when none was. Those stored as "same as
   * sent" ({@link dev.quire.relay.store.StoredCanonical}) are taken from {@code sent}.
   */
  protected abstract @Nullable List<String> canonical(
      Connection c, ResultSet rs, int column, Sent sent, String doc, long first, int count)
      throws SQLException;

  /** A batch's operations as sent, read when a stored canonical operation refers to them. */
  @FunctionalInterface
  protected interface Sent {
    List<String> operations() throws SQLException;
  }

  /** The length of the text (or texts) a batch's {@code column} holds, as an SQL expression. */
  protected abstract String textLength(String column);

  /** A checkpoint's text from column {@code column} of {@code rs}. */
  protected abstract String checkpointText(ResultSet rs, int column) throws SQLException;

  @Override
  public List<LatestBatch> latestBatches(String doc) {
    return db.read(
        Scope.document(doc),
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

  @Override
  public Optional<StoredBatch> findBatchAtOrAfter(
      String doc, String author, String clientId, long seq) {
    return db.read(
        Scope.document(doc),
        "looking up a batch of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT b.batch_seq, b.first_revision, "
                      + opCount()
                      + ", b.created_at, b.digest FROM batches b WHERE b.doc_id = ?"
                      + " AND b.author = ? AND b.client_id = ? AND b.batch_seq >= ?"
                      // A client's batches are in revision order as in number order; so the
                      // embedded storage, which has no index by client, reads its index by
                      // revision in order and stops at the first one (BatchIndexesTest).
                      + " ORDER BY b.doc_id, b.first_revision LIMIT 1")) {
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

  @Override
  public List<WireSequenced> page(String doc, long afterRevision, int pageSize, long maxBytes) {
    return db.read(
        Scope.document(doc),
        "reading the history of " + doc,
        c -> {
          // Readers page by whole batches: the next revision usually starts one, read at once.
          long next = afterRevision + 1;
          List<WireSequenced> page = readPage(c, doc, next, pageSize, maxBytes);
          if (!page.isEmpty() && page.get(0).firstRevision() == next) {
            return page;
          }
          long start = batchStart(c, doc, next);
          return start < 0 ? List.of() : readPage(c, doc, start, pageSize, maxBytes);
        });
  }

  /**
   * Whole batches from the one at {@code start}, while the page stays within {@code pageSize}
   * revisions and {@code maxBytes} (at least one batch).
   */
  private List<WireSequenced> readPage(
      Connection c, String doc, long start, int pageSize, long maxBytes) throws SQLException {
    List<WireSequenced> out = new ArrayList<>();
    long bytes = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + ENTRY_COLUMNS
                + opCount()
                + " FROM batches b WHERE b.doc_id = ? AND b.first_revision >= ?"
                + " AND b.first_revision < ? ORDER BY b.first_revision")) {
      s.setString(1, doc);
      s.setLong(2, start);
      s.setLong(3, start + pageSize);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long first = rs.getLong(1);
          int count = rs.getInt(12);
          if (!out.isEmpty() && first + count - start > pageSize) {
            break;
          }
          WireSequenced entry = sequenced(c, rs, 1, doc);
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

  /** The batch in the columns of {@code rs} from {@code column} on, selected as ENTRY_COLUMNS. */
  private WireSequenced sequenced(Connection c, ResultSet rs, int column, String doc)
      throws SQLException {
    long first = rs.getLong(column);
    int count = rs.getInt(column + 11);
    return new WireSequenced(
        first,
        rs.getString(column + 2),
        rs.getLong(column + 5),
        new WireBatch(
            rs.getString(column + 3),
            rs.getLong(column + 4),
            rs.getLong(column + 1),
            operations(c, rs, column + 6, doc, first, count),
            rs.getLong(column + 7),
            rs.getString(column + 10)));
  }

  /** Like {@link #sequenced}, with the canonical operations (when all are known) and digest. */
  private StoredEntry entry(Connection c, ResultSet rs, int column, String doc)
      throws SQLException {
    WireSequenced entry = sequenced(c, rs, column, doc);
    List<String> canonical =
        canonical(
            c,
            rs,
            column + 8,
            () -> entry.batch().operations(),
            doc,
            entry.firstRevision(),
            entry.batch().size());
    if (canonical != null
        && (canonical.size() != entry.batch().size()
            || canonical.stream().anyMatch(Objects::isNull))) {
      canonical = null; // some not computed
    }
    return new StoredEntry(entry, canonical, rs.getBytes(column + 9));
  }

  @Override
  public List<StoredEntry> entries(String doc, long afterRevision, long toRevision) {
    return db.read(
        Scope.document(doc),
        "reading the history of " + doc,
        c -> {
          List<StoredEntry> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + ENTRY_COLUMNS
                      + opCount()
                      + " FROM batches b WHERE b.doc_id = ? AND b.first_revision > ?"
                      + " AND b.first_revision <= ? AND b.first_revision + "
                      + opCount()
                      + " - 1 <= ? ORDER BY b.first_revision")) {
            s.setString(1, doc);
            s.setLong(2, afterRevision);
            s.setLong(3, toRevision);
            s.setLong(4, toRevision);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(entry(c, rs, 1, doc));
              }
            }
          }
          return out;
        });
  }

  /** One statement: the row, joined with the batches after the revision when they are wanted. */
  @Override
  public RowAndEntries rowAndEntriesAfter(String doc, long afterRevision, long maxRevisions) {
    return db.read(
        Scope.document(doc),
        "reading document " + doc + " and its history",
        c -> {
          DocumentRow row = null;
          List<StoredEntry> entries = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + SqlDocuments.COLUMNS
                      + ", "
                      + ENTRY_COLUMNS
                      + opCount()
                      + " FROM documents d LEFT JOIN batches b ON d.deleted_at IS NULL"
                      + " AND d.head - ? <= ? AND b.doc_id = d.id AND b.first_revision > ?"
                      + " AND b.first_revision <= d.head AND b.first_revision + "
                      + opCount()
                      + " - 1 <= d.head WHERE d.id = ? ORDER BY b.first_revision")) {
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
                  entries.add(entry(c, rs, ROW_COLUMN_COUNT + 1, doc));
                }
              }
            }
          }
          return new RowAndEntries(row, entries);
        });
  }

  @Override
  public OptionalLong checkpointAtOrBefore(String doc, long revision) {
    return aggregate(
        "finding a checkpoint of " + doc,
        "SELECT MAX(revision) FROM checkpoints WHERE doc_id = ? AND revision <= ?",
        doc,
        revision);
  }

  @Override
  public Optional<Checkpoint> checkpoint(String doc, long revision) {
    return db.read(
        Scope.document(doc),
        "reading a checkpoint of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT text FROM checkpoints WHERE doc_id = ? AND revision = ?")) {
            s.setString(1, doc);
            s.setLong(2, revision);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Checkpoint(revision, checkpointText(rs, 1)))
                  : Optional.empty();
            }
          }
        });
  }

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
        Scope.document(doc),
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

  @Override
  public List<String> canonical(String doc, long from, long to) {
    return db.read(
        Scope.document(doc),
        "reading the history of " + doc,
        c -> {
          List<String> out = new ArrayList<>((int) Math.max(0, Math.min(to - from + 1, 1 << 16)));
          long start = batchStart(c, doc, from);
          if (start < 0) {
            return out;
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT b.first_revision, "
                      + opCount()
                      + ", b.canonical, b.operations FROM batches b WHERE b.doc_id = ?"
                      + " AND b.first_revision >= ? AND b.first_revision <= ?"
                      + " ORDER BY b.first_revision")) {
            s.setString(1, doc);
            s.setLong(2, start);
            s.setLong(3, to);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                long first = rs.getLong(1);
                int count = rs.getInt(2);
                List<String> ops =
                    canonical(
                        c, rs, 3, () -> operations(c, rs, 4, doc, first, count), doc, first, count);
                if (ops == null || ops.size() != count) {
                  ops = Collections.nCopies(count, null);
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

  @Override
  public StoredSize storedSize(String doc) {
    return db.read(
        Scope.document(doc),
        "measuring the history of " + doc,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT (SELECT COALESCE(SUM("
                      + textLength("b.operations")
                      + "), 0) FROM batches b WHERE b.doc_id = ?),"
                      + " (SELECT COALESCE(SUM("
                      + textLength("b.canonical")
                      + "), 0) FROM batches b WHERE b.doc_id = ?),"
                      + " (SELECT COALESCE(SUM(LENGTH(text)), 0) FROM checkpoints WHERE doc_id = ?),"
                      + " (SELECT COUNT(*) FROM checkpoints WHERE doc_id = ?)")) {
            for (int i = 1; i <= 4; i++) {
              s.setString(i, doc);
            }
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return new StoredSize(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
          }
        });
  }

  @Override
  public long missingCanonical(String doc) {
    return db.read(
        Scope.document(doc),
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

  /** First revision of the batch holding {@code revision}, or -1 when there is none. */
  private long batchStart(Connection c, String doc, long revision) throws SQLException {
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
            "SELECT b.first_revision, "
                + opCount()
                + " FROM batches b WHERE b.doc_id = ? AND b.first_revision <= ?"
                + " ORDER BY b.first_revision DESC LIMIT 1")) {
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
}
