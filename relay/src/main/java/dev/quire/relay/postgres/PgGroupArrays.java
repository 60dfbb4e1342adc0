package dev.quire.relay.postgres;

import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.StoredCanonical;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A group of runs of appends as the parallel arrays {@code quire_append_group} takes, one element
 * per append, runs one after the other; the operations (and canonical operations) of all appends
 * flattened into one array, since PostgreSQL's arrays cannot be ragged.
 */
final class PgGroupArrays {
  private final Object[] runOf;
  private final Object[] docs;
  private final Object[] firstRevisions;
  private final Object[] baseRevisions;
  private final Object[] authors;
  private final Object[] clientIds;
  private final Object[] batchSeqs;
  private final Object[] created;
  private final Object[] made;
  private final Object[] opCounts;
  private final Object[] hasCanonical;
  private final byte[][] digests;
  private final Object[] notes;
  private final byte[][] checkpoints;
  private final Object[] keyEpochs;
  private final List<String> operations = new ArrayList<>();
  private final List<String> canonical = new ArrayList<>();

  private PgGroupArrays(int n) {
    runOf = new Object[n];
    docs = new Object[n];
    firstRevisions = new Object[n];
    baseRevisions = new Object[n];
    authors = new Object[n];
    clientIds = new Object[n];
    batchSeqs = new Object[n];
    created = new Object[n];
    made = new Object[n];
    opCounts = new Object[n];
    hasCanonical = new Object[n];
    digests = new byte[n][];
    notes = new Object[n];
    checkpoints = new byte[n][];
    keyEpochs = new Object[n];
  }

  static PgGroupArrays of(List<List<HistoryStore.Append>> runs) {
    int n = 0;
    for (List<HistoryStore.Append> run : runs) {
      n += run.size();
    }
    PgGroupArrays g = new PgGroupArrays(n);
    int i = 0;
    for (int r = 0; r < runs.size(); r++) {
      for (HistoryStore.Append a : runs.get(r)) {
        g.set(i++, r, a);
      }
    }
    return g;
  }

  private void set(int i, int run, HistoryStore.Append a) {
    WireSequenced e = a.entry();
    runOf[i] = run;
    docs[i] = a.doc();
    firstRevisions[i] = e.firstRevision();
    baseRevisions[i] = e.batch().baseRevision();
    authors[i] = e.author();
    clientIds[i] = e.batch().clientId();
    batchSeqs[i] = e.batch().batchSeq();
    created[i] = e.timestampMillis();
    made[i] = e.batch().madeAt();
    opCounts[i] = e.batch().size();
    operations.addAll(e.batch().operations());
    hasCanonical[i] = a.canonical() != null;
    if (a.canonical() != null) {
      canonical.addAll(StoredCanonical.compact(e.batch().operations(), a.canonical()));
    }
    digests[i] = a.digest();
    notes[i] = e.batch().notes();
    checkpoints[i] =
        a.checkpoint() == null ? null : a.checkpoint().getBytes(StandardCharsets.UTF_8);
    keyEpochs[i] = a.keyEpoch() == 0 ? null : a.keyEpoch();
  }

  /** Sets the function's first 17 parameters, in its order. */
  void bind(Connection c, PreparedStatement s) throws SQLException {
    s.setArray(1, c.createArrayOf("int4", runOf));
    s.setArray(2, c.createArrayOf("varchar", docs));
    s.setArray(3, c.createArrayOf("int8", firstRevisions));
    s.setArray(4, c.createArrayOf("int8", baseRevisions));
    s.setArray(5, c.createArrayOf("varchar", authors));
    s.setArray(6, c.createArrayOf("varchar", clientIds));
    s.setArray(7, c.createArrayOf("int8", batchSeqs));
    s.setArray(8, c.createArrayOf("int8", created));
    s.setArray(9, c.createArrayOf("int8", made));
    s.setArray(10, c.createArrayOf("int4", opCounts));
    s.setArray(11, c.createArrayOf("text", operations.toArray()));
    s.setArray(12, c.createArrayOf("bool", hasCanonical));
    s.setArray(13, c.createArrayOf("text", canonical.toArray()));
    s.setArray(14, c.createArrayOf("bytea", digests));
    s.setArray(15, c.createArrayOf("text", notes));
    s.setArray(16, c.createArrayOf("bytea", checkpoints));
    s.setArray(17, c.createArrayOf("int8", keyEpochs));
  }
}
