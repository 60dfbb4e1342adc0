package dev.quire.relay.postgres;

import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.HistoryStore;
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
   * Decides and writes {@code appends} in one transaction on {@code c} (in auto-commit mode when
   * given; left so), returning one result per append in order.
   *
   * @throws SQLException when the transaction failed: nothing of it is stored then
   */
  static List<AppendOutcome> commit(Connection c, List<HistoryStore.Append> appends)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      List<AppendOutcome> results = decideAndWrite(c, appends);
      c.commit();
      return results;
    } catch (SQLException | RuntimeException e) {
      PgDatabase.rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static List<AppendOutcome> decideAndWrite(Connection c, List<HistoryStore.Append> appends)
      throws SQLException {
    Map<String, LockedDocument> docs = lockDocuments(c, appends);
    Map<Key, HistoryStore.StoredBatch> stored = findStored(c, appends);
    List<AppendOutcome> results = new ArrayList<>(appends.size());
    List<HistoryStore.Append> accepted = new ArrayList<>();
    for (HistoryStore.Append a : appends) {
      Key key = Key.of(a);
      HistoryStore.StoredBatch original = stored.get(key);
      LockedDocument doc = docs.get(a.doc());
      WireSequenced e = a.entry();
      if (original != null) {
        results.add(new AppendOutcome.Duplicate(original));
      } else if (doc == null || doc.deleted) {
        results.add(
            new AppendOutcome.Failed(
                new StoreException(
                    "document " + a.doc() + (doc == null ? " does not exist" : " is deleted"))));
      } else if (doc.head != e.firstRevision() - 1) {
        results.add(new AppendOutcome.Conflict(doc.head));
      } else {
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
        accepted.add(a);
        results.add(AppendOutcome.COMMITTED);
      }
    }
    if (!accepted.isEmpty()) {
      insertBatches(c, accepted);
      moveHeads(c, docs);
      upsertLatest(c, accepted);
      insertCheckpoints(c, accepted);
    }
    return results;
  }

  private static Map<String, LockedDocument> lockDocuments(
      Connection c, List<HistoryStore.Append> appends) throws SQLException {
    TreeSet<String> ids = new TreeSet<>();
    for (HistoryStore.Append a : appends) {
      ids.add(a.doc());
    }
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
      // Planned at each execution, for the batches stored by then: a plan kept from when the table
      // was small (until autovacuum analyses it) scans every stored batch, a cost growing with it.
      s.unwrap(PGStatement.class).setPrepareThreshold(0);
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
