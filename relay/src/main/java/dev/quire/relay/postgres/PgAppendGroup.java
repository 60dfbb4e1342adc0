package dev.quire.relay.postgres;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGStatement;

/**
 * Commits a group of appends, of any documents, in one PostgreSQL transaction and one round trip,
 * deciding each one alone: an append whose document moved past its expected head is a conflict and
 * a resent batch a duplicate, and neither stops the others.
 *
 * <p>The database function {@code quire_append_group} (migration V7) does the whole of it: it locks
 * the rows of the group's documents (in id order, so two relays locking overlapping groups cannot
 * deadlock) and reads the stored batches whose keys the group's appends carry. Under those locks no
 * other relay can commit to these documents, so what it reads decides: a batch already stored is a
 * duplicate (answered with its original revisions), an append at a head that is not the document's
 * is a conflict, and everything else is written, the head of each document moved by the conditional
 * update {@code head = new WHERE head = expected}. The primary key on (document, first revision)
 * and the unique key on (document, author, client id, batch seq) stand behind that: should anything
 * get past the lock (or one group hold one batch twice), the whole transaction fails instead of
 * storing a second batch at one revision or key.
 *
 * <p>Appends come in runs ({@link BatchAppender#appendRun}): a run's appends are decided in order
 * and the first one not stored ends it (the rest were placed after it). For a run that conflicts,
 * the batches it missed are read in the same transaction, under the lock, when they are few: the
 * losing relay takes them in from its outcome, with no read of its own before it retries.
 */
final class PgAppendGroup {
  private static final String APPEND_GROUP =
      "SELECT run, kind, committed, head, first_revision, base_revision, author, client_id,"
          + " batch_seq, created_at, op_count, operations, made_at, canonical, digest, notes"
          + " FROM quire_append_group(?::int[], ?::varchar[], ?::bigint[], ?::bigint[],"
          + " ?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[], ?::bigint[], ?::int[],"
          + " ?::text[], ?::boolean[], ?::text[], ?::bytea[], ?::text[], ?::bytea[], ?, ?)";
  // Locks a document's row for a turn and reads, under that lock, the batches after an expected
  // head up to the document's head (in the columns of quire_append_group's rows, then the deleted
  // flag), with their running size to stop at MAX_MISSED_BYTES: one row with no batch when none
  // is read. Parameters: document, expected head, MAX_MISSED_REVISIONS, MAX_MISSED_BYTES.
  private static final String LOCK_FOR_TURN =
      "WITH d AS MATERIALIZED (SELECT id, head, deleted_at IS NOT NULL AS deleted FROM documents"
          + " WHERE id = ? FOR NO KEY UPDATE), k AS (SELECT ?::bigint AS after, ?::bigint AS most)"
          + " SELECT 0, 'missed', 0, d.head, m.first_revision, m.base_revision, m.author,"
          + " m.client_id, m.batch_seq, m.created_at, cardinality(m.operations), m.operations,"
          + " m.made, m.canonical, m.digest, m.notes, d.deleted FROM d CROSS JOIN k"
          + " LEFT JOIN LATERAL (SELECT b.first_revision, b.base_revision, b.author, b.client_id,"
          + " b.batch_seq, b.created_at, b.operations, COALESCE(b.made_at, b.created_at) AS made,"
          + " b.canonical, b.digest, b.notes,"
          + " sum(pg_column_size(b.operations) + COALESCE(pg_column_size(b.canonical), 0))"
          + " OVER (ORDER BY b.first_revision) AS bytes FROM batches b WHERE NOT d.deleted"
          + " AND d.head > k.after AND d.head - k.after <= k.most AND b.doc_id = d.id"
          + " AND b.first_revision > k.after AND b.first_revision <= d.head) m ON m.bytes <= ?"
          + " ORDER BY m.first_revision";
  // A conflict's missed batches come with it up to this many revisions and stored bytes; beyond,
  // the losing relay reads them itself, in pages.
  static final long MAX_MISSED_REVISIONS = 2048;
  static final long MAX_MISSED_BYTES = 4 << 20;

  private PgAppendGroup() {}

  /**
   * Decides and writes {@code runs} in one transaction on {@code c}, returning one outcome per run
   * in order. In auto-commit mode (the pool's) the call is its own transaction, committed by the
   * time this returns.
   *
   * @throws SQLException when the transaction failed: nothing of it is stored then
   */
  static List<RunOutcome> commit(Connection c, List<List<HistoryStore.Append>> runs)
      throws SQLException {
    if (!c.getAutoCommit()) {
      throw new IllegalStateException("a transaction is open on the connection");
    }
    return decideAndWrite(c, runs);
  }

  /**
   * Decides and writes {@code runs} in the transaction open on {@code c}, without committing it (or
   * as a transaction of its own in auto-commit mode).
   */
  static List<RunOutcome> decideAndWrite(Connection c, List<List<HistoryStore.Append>> runs)
      throws SQLException {
    PgGroupArrays arrays = PgGroupArrays.of(runs);
    List<RunOutcome> results = new ArrayList<>(runs.size());
    Map<Integer, List<HistoryStore.StoredEntry>> missed = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(APPEND_GROUP)) {
      arrays.bind(c, s);
      s.setLong(17, MAX_MISSED_REVISIONS);
      s.setLong(18, MAX_MISSED_BYTES);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          int run = rs.getInt(1);
          String kind = rs.getString(2);
          if (kind.equals("missed")) {
            missed.computeIfAbsent(run, r -> new ArrayList<>()).add(missedEntry(rs));
          } else {
            results.add(outcome(runs.get(run), kind, rs));
          }
        }
      }
    }
    if (results.size() != runs.size()) {
      throw new SQLException(results.size() + " outcomes for " + runs.size() + " runs");
    }
    for (Map.Entry<Integer, List<HistoryStore.StoredEntry>> m : missed.entrySet()) {
      RunOutcome r = results.get(m.getKey());
      List<HistoryStore.StoredEntry> entries = m.getValue();
      // Cut short by the byte bound: the loser reads them itself.
      if (r.stop() instanceof AppendOutcome.Conflict conflict
          && entries.get(entries.size() - 1).entry().lastRevision() == conflict.head()) {
        results.set(
            m.getKey(),
            new RunOutcome(r.committed(), new AppendOutcome.Conflict(conflict.head(), entries)));
      }
    }
    return results;
  }

  /** A run's outcome from its row of {@code quire_append_group}. */
  private static RunOutcome outcome(List<HistoryStore.Append> run, String kind, ResultSet rs)
      throws SQLException {
    int committed = rs.getInt(3);
    AppendOutcome stop =
        switch (kind) {
          case "committed" -> AppendOutcome.COMMITTED;
          case "conflict" -> new AppendOutcome.Conflict(rs.getLong(4));
          case "duplicate" ->
              new AppendOutcome.Duplicate(
                  new HistoryStore.StoredBatch(
                      rs.getLong(9),
                      rs.getLong(5),
                      rs.getInt(11),
                      rs.getLong(10),
                      rs.getBytes(15)));
          case "missing", "deleted" -> {
            String doc = run.get(committed).doc();
            yield new AppendOutcome.Failed(
                new StoreException(
                    "document "
                        + doc
                        + (kind.equals("missing") ? " does not exist" : " is deleted")));
          }
          default -> throw new SQLException("unknown outcome '" + kind + "'");
        };
    return new RunOutcome(committed, stop);
  }

  private static HistoryStore.StoredEntry missedEntry(ResultSet rs) throws SQLException {
    WireSequenced entry =
        new WireSequenced(
            rs.getLong(5),
            rs.getString(7),
            rs.getLong(10),
            new WireBatch(
                rs.getString(8),
                rs.getLong(9),
                rs.getLong(6),
                PgHistory.texts(rs.getArray(12)),
                rs.getLong(13),
                rs.getString(16)));
    Array canonical = rs.getArray(14);
    return new HistoryStore.StoredEntry(
        entry, canonical == null ? null : PgHistory.texts(canonical), rs.getBytes(15));
  }

  /** A document's row locked for a turn: its head and the batches after an expected head. */
  record Locked(long head, List<HistoryStore.StoredEntry> missed) {}

  /**
   * Locks {@code doc}'s row in the transaction open on {@code c} and reads the batches after {@code
   * expectedHead} up to its head; null when the document is gone, did not move past {@code
   * expectedHead}, or moved too far for the batches to be read at once.
   */
  static Locked lockForTurn(Connection c, String doc, long expectedHead) throws SQLException {
    Long head = null;
    boolean deleted = false;
    List<HistoryStore.StoredEntry> missed = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(LOCK_FOR_TURN)) {
      plannedEachTime(s);
      s.setString(1, doc);
      s.setLong(2, expectedHead);
      s.setLong(3, MAX_MISSED_REVISIONS);
      s.setLong(4, MAX_MISSED_BYTES);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          head = rs.getLong(4);
          deleted = rs.getBoolean(17);
          if (rs.getObject(5) != null) {
            missed.add(missedEntry(rs));
          }
        }
      }
    }
    if (head == null
        || deleted
        || head <= expectedHead
        || head - expectedHead > MAX_MISSED_REVISIONS) {
      return null;
    }
    if (missed.isEmpty() || missed.get(missed.size() - 1).entry().lastRevision() != head) {
      return null; // cut short by the byte bound
    }
    return new Locked(head, missed);
  }

  /**
   * Has {@code s} planned at each execution, for the batches stored by then. A join of {@code
   * batches} with arrays of keys gets, as a prepared statement's generic plan made while the table
   * was small, a scan of every stored batch, kept until autovacuum analyses the table. ({@code
   * quire_append_group} plans its joins at each call for the same reason.)
   */
  private static void plannedEachTime(PreparedStatement s) throws SQLException {
    s.unwrap(PGStatement.class).setPrepareThreshold(0);
  }
}
