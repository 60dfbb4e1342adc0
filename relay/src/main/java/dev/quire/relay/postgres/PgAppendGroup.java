package dev.quire.relay.postgres;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import dev.quire.relay.store.StoredCanonical;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Commits a group of appends, of any documents, in one PostgreSQL transaction and one round trip,
 * deciding each one alone: an append whose document moved past its expected head is a conflict and
 * a resent batch a duplicate, and neither stops the others.
 *
 * <p>The database function {@code quire_append_group} (migrations V7 and V15) does the whole of it:
 * it locks the rows of the group's documents (in id order, so two relays locking overlapping groups
 * cannot deadlock) and reads the stored batches whose keys the group's appends carry. Under those
 * locks no other relay can commit to these documents, so what it reads decides: a batch already
 * stored is a duplicate (answered with its original revisions), an append at a head that is not the
 * document's is a conflict, and everything else is written, the head of each document moved by the
 * conditional update {@code head = new WHERE head = expected}. The primary key on (document, first
 * revision) and the unique key on (document, author, client id, batch seq) stand behind that:
 * should anything get past the lock (or one group hold one batch twice), the whole transaction
 * fails instead of storing a second batch at one revision or key.
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
          + " ?::text[], ?::boolean[], ?::text[], ?::bytea[], ?::text[], ?::bytea[], ?::bigint[],"
          + " ?, ?)";
  // Locks a document's row for a turn, until the transaction ends.
  private static final String LOCK = "SELECT 1 FROM documents WHERE id = ? FOR NO KEY UPDATE";
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
      s.setLong(18, MAX_MISSED_REVISIONS);
      s.setLong(19, MAX_MISSED_BYTES);
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
          case "stale" -> new AppendOutcome.StaleEpoch(rs.getLong(4));
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
        entry,
        canonical == null
            ? null
            : StoredCanonical.resolve(entry.batch().operations(), PgHistory.texts(canonical)),
        rs.getBytes(15));
  }

  /**
   * Locks {@code doc}'s row in the transaction open on {@code c}, as {@code quire_append_group}
   * does: other transactions' appends to it wait until this one ends.
   */
  static void lock(Connection c, String doc) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK)) {
      s.setString(1, doc);
      s.executeQuery().close();
    }
  }
}
