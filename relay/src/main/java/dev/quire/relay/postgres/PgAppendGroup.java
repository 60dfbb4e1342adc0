package dev.quire.relay.postgres;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.postgresql.PGStatement;

/**
 * Commits a group of appends, of any documents, in one PostgreSQL transaction, deciding each one
 * alone: an append whose document moved past its expected head is a conflict and a resent batch a
 * duplicate, and neither stops the others.
 *
 * <p>The transaction first locks the rows of the group's documents (in id order, so two relays
 * locking overlapping groups cannot deadlock), and reads the stored batches whose keys the group's
 * appends carry. Under those locks no other relay can commit to these documents, so what it reads
 * decides: a batch already stored is a duplicate (answered with its original revisions), an append
 * at a head that is not the document's is a conflict, and everything else is written, the head of
 * each document moved by the conditional update {@code head = new WHERE head = expected}. The
 * primary key on (document, first revision) and the unique key on (document, author, client id,
 * batch seq) stand behind that: should anything get past the lock, the whole transaction fails
 * instead of storing a second batch at one revision.
 *
 * <p>Appends come in runs ({@link BatchAppender#appendRun}): a run's appends are decided in order
 * and the first one not stored ends it (the rest were placed after it). For a run that conflicts,
 * the batches it missed are read in the same transaction, under the lock, when they are few: the
 * losing relay takes them in from its outcome, with no read of its own before it retries.
 */
final class PgAppendGroup {
  private static final String LOCK_DOCUMENTS =
      "SELECT id, head, deleted_at IS NOT NULL FROM documents WHERE id = ANY (?)"
          + " ORDER BY id FOR NO KEY UPDATE";
  private static final String FIND_STORED =
      "SELECT b.doc_id, b.author, b.client_id, b.batch_seq, b.first_revision,"
          + " cardinality(b.operations), b.created_at, b.digest"
          + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[]) AS k(d, a, c, s)"
          + " JOIN batches b ON b.doc_id = k.d AND b.author = k.a AND b.client_id = k.c"
          + " AND b.batch_seq = k.s";
  private static final String INSERT_BATCH =
      "INSERT INTO batches (doc_id, first_revision, last_revision, base_revision, author,"
          + " client_id, batch_seq, created_at, operations, canonical, digest, made_at, notes)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String MOVE_HEAD =
      "UPDATE documents SET head = ?, last_change = ?, missing_canonical = missing_canonical + ?,"
          + " moved_at = clock_timestamp() WHERE id = ? AND head = ? AND deleted_at IS NULL";
  // Each client's batches are appended in its order, but a group may hold an older one after a
  // conflict's retry: the row keeps the highest batch seq.
  private static final String UPSERT_LATEST =
      "INSERT INTO latest_batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
          + " created_at, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (doc_id, author, client_id) DO UPDATE SET batch_seq = EXCLUDED.batch_seq,"
          + " first_revision = EXCLUDED.first_revision, op_count = EXCLUDED.op_count,"
          + " created_at = EXCLUDED.created_at, digest = EXCLUDED.digest"
          + " WHERE latest_batches.batch_seq < EXCLUDED.batch_seq";
  // The batches a conflicting run missed: for each (run, document, expected head, head), the
  // batches after the expected head, with their running size to stop at MAX_MISSED_BYTES.
  private static final String READ_MISSED =
      "SELECT i, first_revision, base_revision, author, client_id, batch_seq, created_at,"
          + " operations, made, canonical, digest FROM (SELECT k.i, b.first_revision,"
          + " b.base_revision, b.author, b.client_id, b.batch_seq, b.created_at, b.operations,"
          + " COALESCE(b.made_at, b.created_at) AS made, b.canonical, b.digest,"
          + " sum(pg_column_size(b.operations) + COALESCE(pg_column_size(b.canonical), 0))"
          + " OVER (PARTITION BY k.i ORDER BY b.first_revision) AS bytes"
          + " FROM unnest(?::int[], ?::varchar[], ?::bigint[], ?::bigint[]) AS k(i, d, after, upto)"
          + " JOIN batches b ON b.doc_id = k.d AND b.first_revision > k.after"
          + " AND b.first_revision <= k.upto) m WHERE bytes <= ? ORDER BY i, first_revision";
  // A conflict's missed batches come with it up to this many revisions and stored bytes; beyond,
  // the losing relay reads them itself, in pages.
  static final long MAX_MISSED_REVISIONS = 2048;
  static final long MAX_MISSED_BYTES = 4 << 20;
  private static final String INSERT_CHECKPOINT =
      "INSERT INTO checkpoints (doc_id, revision, text) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

  private PgAppendGroup() {}

  /** A batch's key: at most one batch per key is ever stored. */
  private record Key(String doc, String author, String clientId, long batchSeq) {
    static Key of(HistoryStore.Append a) {
      WireSequenced e = a.entry();
      return new Key(a.doc(), e.author(), e.batch().clientId(), e.batch().batchSeq());
    }
  }

  /** A document's row as locked: its head moves as the group's appends to it are accepted. */
  private static final class LockedDocument {
    final long headBefore;
    long head;
    long lastChange;
    long missingCanonical;
    boolean deleted;

    LockedDocument(long head, boolean deleted) {
      this.headBefore = head;
      this.head = head;
      this.deleted = deleted;
    }
  }

  /**
   * Decides and writes {@code runs} in one transaction on {@code c} (in auto-commit mode when
   * given; left so), returning one outcome per run in order.
   *
   * @throws SQLException when the transaction failed: nothing of it is stored then
   */
  static List<RunOutcome> commit(Connection c, List<List<HistoryStore.Append>> runs)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      List<RunOutcome> results = decideAndWrite(c, runs);
      c.commit();
      return results;
    } catch (SQLException | RuntimeException e) {
      PgDatabase.rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * Decides and writes {@code runs} in the transaction open on {@code c}, without committing it.
   */
  static List<RunOutcome> decideAndWrite(Connection c, List<List<HistoryStore.Append>> runs)
      throws SQLException {
    List<HistoryStore.Append> all = new ArrayList<>();
    runs.forEach(all::addAll);
    List<String> ids = new ArrayList<>(all.size());
    all.forEach(a -> ids.add(a.doc()));
    Map<String, LockedDocument> docs = lockDocuments(c, ids);
    Map<Key, HistoryStore.StoredBatch> stored = findStored(c, all);
    List<RunOutcome> results = new ArrayList<>(runs.size());
    List<HistoryStore.Append> accepted = new ArrayList<>();
    for (List<HistoryStore.Append> run : runs) {
      int committed = 0;
      AppendOutcome stop = AppendOutcome.COMMITTED;
      for (HistoryStore.Append a : run) {
        AppendOutcome o = decide(a, docs, stored);
        if (o != AppendOutcome.COMMITTED) {
          stop = o;
          break;
        }
        accepted.add(a);
        committed++;
      }
      results.add(new RunOutcome(committed, stop));
    }
    if (!accepted.isEmpty()) {
      insertBatches(c, accepted);
      moveHeads(c, docs);
      upsertLatest(c, accepted);
      insertCheckpoints(c, accepted);
    }
    addMissed(c, runs, results);
    return results;
  }

  /** Decides one append; a committed one moves its document's head in {@code docs}. */
  private static AppendOutcome decide(
      HistoryStore.Append a,
      Map<String, LockedDocument> docs,
      Map<Key, HistoryStore.StoredBatch> stored) {
    Key key = Key.of(a);
    HistoryStore.StoredBatch original = stored.get(key);
    LockedDocument doc = docs.get(a.doc());
    WireSequenced e = a.entry();
    if (original != null) {
      return new AppendOutcome.Duplicate(original);
    }
    if (doc == null || doc.deleted) {
      return new AppendOutcome.Failed(
          new StoreException(
              "document " + a.doc() + (doc == null ? " does not exist" : " is deleted")));
    }
    if (doc.head != e.firstRevision() - 1) {
      return new AppendOutcome.Conflict(doc.head);
    }
    doc.head = e.lastRevision();
    doc.lastChange = e.timestampMillis();
    doc.missingCanonical += a.canonical() == null ? e.batch().size() : 0;
    stored.put(
        key,
        new HistoryStore.StoredBatch(
            e.batch().batchSeq(),
            e.firstRevision(),
            e.batch().size(),
            e.timestampMillis(),
            a.digest()));
    return AppendOutcome.COMMITTED;
  }

  /**
   * Gives each conflict of {@code results} the batches its run missed, read under the document's
   * lock (so complete up to the head it reports), when they are few enough.
   */
  private static void addMissed(
      Connection c, List<List<HistoryStore.Append>> runs, List<RunOutcome> results)
      throws SQLException {
    List<Integer> runIndex = new ArrayList<>();
    List<String> docIds = new ArrayList<>();
    List<Long> afters = new ArrayList<>();
    List<Long> heads = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      if (results.get(i).stop() instanceof AppendOutcome.Conflict conflict) {
        HistoryStore.Append a = runs.get(i).get(results.get(i).committed());
        if (conflict.head() > a.expectedHead()
            && conflict.head() - a.expectedHead() <= MAX_MISSED_REVISIONS) {
          runIndex.add(i);
          docIds.add(a.doc());
          afters.add(a.expectedHead());
          heads.add(conflict.head());
        }
      }
    }
    if (runIndex.isEmpty()) {
      return;
    }
    Map<Integer, List<HistoryStore.StoredEntry>> missed = readMissed(c, docIds, afters, heads);
    for (int k = 0; k < runIndex.size(); k++) {
      int i = runIndex.get(k);
      List<HistoryStore.StoredEntry> m = missed.getOrDefault(k, List.of());
      // Cut short by the byte bound: the loser reads them itself.
      if (!m.isEmpty() && m.get(m.size() - 1).entry().lastRevision() == heads.get(k)) {
        RunOutcome r = results.get(i);
        results.set(i, new RunOutcome(r.committed(), new AppendOutcome.Conflict(heads.get(k), m)));
      }
    }
  }

  /**
   * The batches of each {@code docs[k]} after {@code afters[k]} up to {@code heads[k]}, by k, each
   * list cut short where the stored bytes pass {@link #MAX_MISSED_BYTES}.
   */
  private static Map<Integer, List<HistoryStore.StoredEntry>> readMissed(
      Connection c, List<String> docs, List<Long> afters, List<Long> heads) throws SQLException {
    List<Integer> keys = new ArrayList<>();
    for (int k = 0; k < docs.size(); k++) {
      keys.add(k);
    }
    Map<Integer, List<HistoryStore.StoredEntry>> missed = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(READ_MISSED)) {
      plannedEachTime(s);
      s.setArray(1, c.createArrayOf("int4", keys.toArray()));
      s.setArray(2, c.createArrayOf("varchar", docs.toArray()));
      s.setArray(3, c.createArrayOf("int8", afters.toArray()));
      s.setArray(4, c.createArrayOf("int8", heads.toArray()));
      s.setLong(5, MAX_MISSED_BYTES);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          List<String> ops = PgHistory.texts(rs.getArray(8));
          WireSequenced entry =
              new WireSequenced(
                  rs.getLong(2),
                  rs.getString(4),
                  rs.getLong(7),
                  new WireBatch(rs.getString(5), rs.getLong(6), rs.getLong(3), ops, rs.getLong(9)));
          java.sql.Array canonical = rs.getArray(10);
          missed
              .computeIfAbsent(rs.getInt(1), x -> new ArrayList<>())
              .add(
                  new HistoryStore.StoredEntry(
                      entry,
                      canonical == null ? null : PgHistory.texts(canonical),
                      rs.getBytes(11)));
        }
      }
    }
    return missed;
  }

  /** A document's row locked for a turn: its head and the batches after an expected head. */
  record Locked(long head, List<HistoryStore.StoredEntry> missed) {}

  /**
   * Locks {@code doc}'s row in the transaction open on {@code c} and reads the batches after {@code
   * expectedHead} up to its head; null when the document is gone, did not move past {@code
   * expectedHead}, or moved too far for the batches to be read at once.
   */
  static Locked lockForTurn(Connection c, String doc, long expectedHead) throws SQLException {
    LockedDocument d = lockDocuments(c, List.of(doc)).get(doc);
    if (d == null
        || d.deleted
        || d.head <= expectedHead
        || d.head - expectedHead > MAX_MISSED_REVISIONS) {
      return null;
    }
    List<HistoryStore.StoredEntry> missed =
        readMissed(c, List.of(doc), List.of(expectedHead), List.of(d.head))
            .getOrDefault(0, List.of());
    if (missed.isEmpty() || missed.get(missed.size() - 1).entry().lastRevision() != d.head) {
      return null; // cut short by the byte bound
    }
    return new Locked(d.head, missed);
  }

  /**
   * Has {@code s} planned at each execution, for the batches stored by then. A join of {@code
   * batches} with arrays of keys gets, as a prepared statement's generic plan made while the table
   * was small, a scan of every stored batch, kept until autovacuum analyses the table. (For all
   * statements, {@code plan_cache_mode=force_custom_plan} would plan each of a group's many small
   * updates too, which made a group commit markedly slower.)
   */
  private static void plannedEachTime(PreparedStatement s) throws SQLException {
    s.unwrap(PGStatement.class).setPrepareThreshold(0);
  }

  private static Map<String, LockedDocument> lockDocuments(Connection c, List<String> docIds)
      throws SQLException {
    TreeSet<String> ids = new TreeSet<>(docIds);
    Map<String, LockedDocument> docs = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(LOCK_DOCUMENTS)) {
      s.setArray(1, c.createArrayOf("varchar", ids.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          docs.put(rs.getString(1), new LockedDocument(rs.getLong(2), rs.getBoolean(3)));
        }
      }
    }
    return docs;
  }

  private static Map<Key, HistoryStore.StoredBatch> findStored(
      Connection c, List<HistoryStore.Append> appends) throws SQLException {
    int n = appends.size();
    Object[] docs = new Object[n];
    Object[] authors = new Object[n];
    Object[] clients = new Object[n];
    Object[] seqs = new Object[n];
    for (int i = 0; i < n; i++) {
      Key k = Key.of(appends.get(i));
      docs[i] = k.doc();
      authors[i] = k.author();
      clients[i] = k.clientId();
      seqs[i] = k.batchSeq();
    }
    Map<Key, HistoryStore.StoredBatch> found = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(FIND_STORED)) {
      plannedEachTime(s);
      s.setArray(1, c.createArrayOf("varchar", docs));
      s.setArray(2, c.createArrayOf("varchar", authors));
      s.setArray(3, c.createArrayOf("varchar", clients));
      s.setArray(4, c.createArrayOf("bigint", seqs));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.put(
              new Key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)),
              new HistoryStore.StoredBatch(
                  rs.getLong(4), rs.getLong(5), rs.getInt(6), rs.getLong(7), rs.getBytes(8)));
        }
      }
    }
    return found;
  }

  private static void insertBatches(Connection c, List<HistoryStore.Append> accepted)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT_BATCH)) {
      for (HistoryStore.Append a : accepted) {
        WireSequenced e = a.entry();
        s.setString(1, a.doc());
        s.setLong(2, e.firstRevision());
        s.setLong(3, e.lastRevision());
        s.setLong(4, e.batch().baseRevision());
        s.setString(5, e.author());
        s.setString(6, e.batch().clientId());
        s.setLong(7, e.batch().batchSeq());
        s.setLong(8, e.timestampMillis());
        s.setArray(9, textArray(c, e.batch().operations()));
        s.setArray(10, a.canonical() == null ? null : textArray(c, a.canonical()));
        s.setBytes(11, a.digest());
        s.setLong(12, e.batch().madeAt());
        s.setString(13, e.batch().notes());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static void moveHeads(Connection c, Map<String, LockedDocument> docs)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(MOVE_HEAD)) {
      List<String> moved = new ArrayList<>();
      for (Map.Entry<String, LockedDocument> d : docs.entrySet()) {
        LockedDocument doc = d.getValue();
        if (doc.head == doc.headBefore) {
          continue;
        }
        s.setLong(1, doc.head);
        s.setLong(2, doc.lastChange);
        s.setLong(3, doc.missingCanonical);
        s.setString(4, d.getKey());
        s.setLong(5, doc.headBefore);
        s.addBatch();
        moved.add(d.getKey());
      }
      int[] counts = s.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != 1) { // the lock makes this impossible; refuse rather than store a fork
          throw new SQLException("document " + moved.get(i) + " moved while locked");
        }
      }
    }
  }

  private static void upsertLatest(Connection c, List<HistoryStore.Append> accepted)
      throws SQLException {
    // One row per client: a statement may not upsert one row twice (and the batched inserts are
    // rewritten into one statement).
    Map<List<String>, HistoryStore.Append> latest = new LinkedHashMap<>();
    for (HistoryStore.Append a : accepted) {
      List<String> client = List.of(a.doc(), a.entry().author(), a.entry().batch().clientId());
      latest.merge(
          client, a, (x, y) -> x.entry().batch().batchSeq() > y.entry().batch().batchSeq() ? x : y);
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT_LATEST)) {
      for (HistoryStore.Append a : latest.values()) {
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
      s.executeBatch();
    }
  }

  private static void insertCheckpoints(Connection c, List<HistoryStore.Append> accepted)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT_CHECKPOINT)) {
      boolean any = false;
      for (HistoryStore.Append a : accepted) {
        if (a.checkpoint() != null) {
          s.setString(1, a.doc());
          s.setLong(2, a.entry().lastRevision());
          s.setBytes(3, a.checkpoint().getBytes(StandardCharsets.UTF_8));
          s.addBatch();
          any = true;
        }
      }
      if (any) {
        s.executeBatch();
      }
    }
  }

  private static Array textArray(Connection c, List<String> texts) throws SQLException {
    return c.createArrayOf("text", texts.toArray());
  }
}
