package dev.quire.relay.store;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes appends on one connection with statements prepared once: H2 parses SQL on every {@code
 * prepareStatement}, which cost more than the inserts themselves. A batch is one row of {@code
 * batches} (schema V5), its operations and canonical operations one per line (a canonical one equal
 * to the operation as sent as an empty line, V21), and its client's row of {@code latest_batches}
 * (V6); only a batch whose operations cannot be held so gets log rows. Each document's row and each
 * client's row of {@code latest_batches} is written once per {@link #flush}, however many of its
 * batches came since: a group of many batches of few documents costs H2 one row update per
 * document, not one per batch. Not thread-safe; the caller owns the transaction.
 */
final class AppendWriter implements AutoCloseable {
  private final PreparedStatement head;
  private final PreparedStatement log;
  private final PreparedStatement batch;
  private final PreparedStatement latest;
  private final PreparedStatement checkpoint;
  // Each client's last batch added since the last flush, by (document, author, client id): a
  // group holding several batches of one client writes its latest_batches row once.
  private final Map<List<String>, HistoryStore.Append> latestOfClient = new HashMap<>();
  // Each document's batches added since the last flush, in insertion order: its row moves from the
  // head before the first of them to the last one's, in one update.
  private final Map<String, HeadMove> headMoves = new LinkedHashMap<>();
  private boolean pending; // batch rows added but not yet executed
  private boolean logPending; // log rows too

  AppendWriter(Connection c) throws SQLException {
    head =
        c.prepareStatement(
            "UPDATE documents SET head = ?, last_change = ?,"
                + " missing_canonical = missing_canonical + ?"
                + " WHERE id = ? AND head = ? AND deleted_at IS NULL");
    log =
        c.prepareStatement(
            "INSERT INTO log (doc_id, revision, base_revision, author, client_id, batch_seq,"
                + " created_at, payload, canonical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    batch =
        c.prepareStatement(
            "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision,"
                + " op_count, base_revision, created_at, digest, operations, canonical, made_at,"
                + " notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    // Batches are appended in each client's order (the sequencer refuses an older one), so the
    // last one written is the client's latest.
    latest =
        c.prepareStatement(
            "MERGE INTO latest_batches (doc_id, author, client_id, batch_seq, first_revision,"
                + " op_count, created_at, digest) KEY (doc_id, author, client_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    checkpoint =
        c.prepareStatement("INSERT INTO checkpoints (doc_id, revision, text) VALUES (?, ?, ?)");
  }

  /**
   * Adds one append to the current transaction; its rows are written by {@link #flush}.
   *
   * @throws StoreException when the document is not at the revision before the batch
   */
  void add(HistoryStore.Append a) throws SQLException {
    WireSequenced e = a.entry();
    WireBatch b = e.batch();
    HeadMove move = headMoves.get(a.doc());
    if (move == null) {
      headMoves.put(a.doc(), new HeadMove(a));
    } else {
      move.follow(a);
    }
    String operations = H2HistoryStore.joinOperations(b.operations());
    String canonical =
        a.canonical() == null ? null : H2HistoryStore.joinCanonical(b.operations(), a.canonical());
    if (operations == null || (a.canonical() != null && canonical == null)) {
      // Cannot be held one per line: the log keeps them, a row each.
      for (int i = 0; i < b.size(); i++) {
        log.setString(1, a.doc());
        log.setLong(2, e.firstRevision() + i);
        log.setLong(3, b.baseRevision());
        log.setString(4, e.author());
        log.setString(5, b.clientId());
        log.setLong(6, b.batchSeq());
        log.setLong(7, e.timestampMillis());
        log.setString(8, b.operations().get(i));
        log.setString(9, a.canonical() == null ? null : a.canonical().get(i));
        log.addBatch();
      }
      logPending = true;
    }
    batch.setString(1, a.doc());
    batch.setString(2, e.author());
    batch.setString(3, b.clientId());
    batch.setLong(4, b.batchSeq());
    batch.setLong(5, e.firstRevision());
    batch.setInt(6, b.size());
    batch.setLong(7, b.baseRevision());
    batch.setLong(8, e.timestampMillis());
    batch.setBytes(9, a.digest());
    batch.setString(10, operations);
    batch.setString(11, canonical);
    batch.setLong(12, b.madeAt());
    batch.setString(13, b.notes());
    batch.addBatch();
    latestOfClient.put(List.of(a.doc(), e.author(), b.clientId()), a);
    pending = true;
    if (a.checkpoint() != null) {
      checkpoint.setString(1, a.doc());
      checkpoint.setLong(2, e.lastRevision());
      checkpoint.setString(3, a.checkpoint());
      checkpoint.executeUpdate();
    }
  }

  /**
   * Writes the rows added since the last flush.
   *
   * @throws StoreException when a document is not at the revision before its first batch
   */
  void flush() throws SQLException {
    moveHeads();
    if (logPending) {
      log.executeBatch();
      logPending = false;
    }
    if (pending) {
      batch.executeBatch();
      writeLatest();
      pending = false;
    }
  }

  /** Each document with batches since the last flush moves its head past the last of them. */
  private void moveHeads() throws SQLException {
    if (headMoves.isEmpty()) {
      return;
    }
    for (HeadMove m : headMoves.values()) {
      head.setLong(1, m.last);
      head.setLong(2, m.lastChange);
      head.setLong(3, m.missingCanonical);
      head.setString(4, m.doc);
      head.setLong(5, m.from);
      head.addBatch();
    }
    int[] updated = head.executeBatch();
    int i = 0;
    for (HeadMove m : headMoves.values()) {
      if (updated[i++] != 1) {
        headMoves.clear();
        throw new StoreException("document " + m.doc + " is not at revision " + m.from);
      }
    }
    headMoves.clear();
  }

  /** How one document's row changes for the batches added to it since the last flush. */
  private static final class HeadMove {
    final String doc;
    final long from; // the head the first batch continues
    long last;
    long lastChange;
    long missingCanonical;

    HeadMove(HistoryStore.Append a) {
      doc = a.doc();
      from = a.entry().firstRevision() - 1;
      last = from;
      follow(a);
    }

    /** Adds the next batch, which must continue the last one. */
    void follow(HistoryStore.Append a) {
      WireSequenced e = a.entry();
      if (e.firstRevision() != last + 1) {
        throw new StoreException(
            "document " + doc + " is not at revision " + (e.firstRevision() - 1));
      }
      last = e.lastRevision();
      lastChange = e.timestampMillis();
      missingCanonical += a.canonical() == null ? e.batch().size() : 0;
    }
  }

  /** One row of {@code latest_batches} per client with batches since the last flush. */
  private void writeLatest() throws SQLException {
    for (HistoryStore.Append a : latestOfClient.values()) {
      WireSequenced e = a.entry();
      latest.setString(1, a.doc());
      latest.setString(2, e.author());
      latest.setString(3, e.batch().clientId());
      latest.setLong(4, e.batch().batchSeq());
      latest.setLong(5, e.firstRevision());
      latest.setInt(6, e.batch().size());
      latest.setLong(7, e.timestampMillis());
      latest.setBytes(8, a.digest());
      latest.addBatch();
    }
    latestOfClient.clear();
    latest.executeBatch();
  }

  /** Forgets rows added but not flushed (after a rollback). */
  void clear() throws SQLException {
    head.clearBatch();
    headMoves.clear();
    log.clearBatch();
    batch.clearBatch();
    latest.clearBatch();
    latestOfClient.clear();
    pending = false;
    logPending = false;
  }

  @Override
  public void close() throws SQLException {
    try (head;
        log;
        batch;
        latest;
        checkpoint) {
      // closes all five
    }
  }
}
