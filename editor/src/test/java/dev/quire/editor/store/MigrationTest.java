package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile written by an older Quire opens with every row kept. */
class MigrationTest {
  @TempDir Path dir;

  private void migrateTo(String version) {
    Flyway.configure(MigrationTest.class.getClassLoader())
        .dataSource(ProfileDatabase.url(dir), "quire", "")
        .locations("classpath:db/editor")
        .target(version)
        .load()
        .migrate();
  }

  /** A log as version 4 kept it, one row per revision, with the checkpoints that go with it. */
  private static final class V4Log {
    final List<Revision> revisions = new ArrayList<>();
    final GapBuffer text = new GapBuffer("");
    final List<String> texts = new ArrayList<>(List.of(""));

    /** Appends a batch of {@code ops}, each with the original from {@code original} (or itself). */
    void batch(String author, long seq, List<String> inserts, boolean someOriginals) {
      long first = revisions.size() + 1;
      for (int i = 0; i < inserts.size(); i++) {
        int len = text.length();
        TextOperation op = TextOperation.splice(len, i % 3 == 0 ? 0 : len, 0, inserts.get(i));
        TextOperation original =
            someOriginals && i % 7 == 3 ? TextOperation.splice(1, 1, 0, inserts.get(i)) : op;
        revisions.add(
            new Revision(
                first + i, first - 1, first, author, "c-" + author, seq, 100 + seq, op, original));
        text.apply(op);
        texts.add(text.toString());
      }
    }

    void write(Connection c, String doc) throws Exception {
      try (PreparedStatement s =
          c.prepareStatement("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Revision r : revisions) {
          s.setString(1, doc);
          s.setLong(2, r.revision());
          s.setLong(3, r.baseRevision());
          s.setLong(4, r.batchFirst());
          s.setString(5, r.author());
          s.setString(6, r.clientId());
          s.setLong(7, r.batchSeq());
          s.setLong(8, r.timestampMillis());
          s.setInt(9, r.length());
          s.setString(10, OperationCodec.toJson(r.operation()));
          if (r.original().equals(r.operation())) {
            s.setNull(11, Types.VARCHAR);
          } else {
            s.setString(11, OperationCodec.toJson(r.original()));
          }
          s.executeUpdate();
        }
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO checkpoints VALUES (?, ?, ?)")) {
        for (int r = LocalStore.CHECKPOINT_INTERVAL; r < texts.size(); r += 1000) {
          s.setString(1, doc);
          s.setLong(2, r);
          s.setString(3, texts.get(r));
          s.executeUpdate();
        }
      }
    }
  }

  private static List<String> keys(int n, String... keys) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(keys[i % keys.length]);
    }
    return out;
  }

  @Test
  void version4Profile_keepsEveryRevisionWithItsBatchAndOriginalWhenTheLogBecomesBlocks()
      throws Exception {
    migrateTo("4");
    V4Log d = new V4Log();
    d.batch("alice", 1, keys(2, "a", "b"), false);
    d.batch("bob", 1, keys(2_500, "x", "😀", "🇫🇷", "e\u0301", "\n", "\"q\""), true);
    d.batch("alice", 2, keys(5, "y".repeat(60_000)), false); // about 300,000 characters
    d.batch("bob", 2, keys(1, "z"), true);
    V4Log e = new V4Log();
    e.batch("carol", 1, keys(3, "c"), false);
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        Statement s = c.createStatement()) {
      for (var doc : List.of(List.of("d", d), List.of("e", e))) {
        V4Log log = (V4Log) doc.get(1);
        s.execute(
            "INSERT INTO documents (id, title, created_at, head, next_batch_seq, on_relay,"
                + " title_synced, relay_head) VALUES ('"
                + doc.get(0)
                + "', 'T', 1, "
                + log.revisions.size()
                + ", 3, TRUE, TRUE, 1)");
        log.write(c, (String) doc.get(0));
      }
      s.execute("INSERT INTO pending_ops VALUES ('e', 0, '[3,\"!\"]', 7)");
    }

    int n = d.revisions.size();
    try (LocalStore store = LocalStore.open(dir)) {
      assertThat(store.revisions("d", 1, n).get()).isEqualTo(d.revisions);
      assertThat(store.revisions("d", 999, 1_003).get()).isEqualTo(d.revisions.subList(998, 1_003));
      assertThat(store.revisions("e", 1, 3).get()).isEqualTo(e.revisions);
      for (int r : new int[] {0, 1, 2, 3, 1_001, 2_000, 2_502, 2_503, n - 1, n}) {
        assertThat(store.textAt("d", r).get()).as("revision %d", r).isEqualTo(d.texts.get(r));
      }
      assertThat(store.lengthAt("d", 2_001).get())
          .isEqualTo(d.revisions.get(2_000).operation().targetLength());
      assertThat(store.localText("d").get()).isEqualTo(d.texts.get(n));
      assertThat(store.localText("e").get()).isEqualTo("ccc!");
    }
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*), MAX(op_count), MAX(LENGTH(operations)), SUM(op_count)"
                    + " FROM log_blocks WHERE doc_id = 'd'")) {
      rs.next();
      // 2 + 2,500 in three blocks + 5 cut by size in two + 1.
      assertThat(rs.getInt(1)).isEqualTo(7);
      assertThat(rs.getInt(2)).isEqualTo(1_000);
      assertThat(rs.getInt(3)).isLessThan(LogBlocks.BLOCK_CHARS);
      assertThat(rs.getInt(4)).isEqualTo(n);
    }
  }

  @Test
  void version1Profile_keepsItsLogAndOutboxAndLosesTheForeignKeyIndexes() throws Exception {
    Flyway.configure(MigrationTest.class.getClassLoader())
        .dataSource(ProfileDatabase.url(dir), "quire", "")
        .locations("classpath:db/editor")
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO documents (id, title, created_at, head, next_batch_seq, on_relay,"
              + " title_synced, relay_head) VALUES ('d', 'D', 1, 1, 1, TRUE, TRUE, 1)");
      s.execute(
          "INSERT INTO revisions VALUES ('d', 1, 0, 1, 'bob', 'cb', 1, 5, 3,"
              + " '[\"abc\"]', NULL)");
      s.execute("INSERT INTO pending_ops VALUES ('d', 0, '[3,\"!\"]', 7)");
    }

    try (LocalStore store = LocalStore.open(dir)) {
      assertThat(store.localText("d").get()).isEqualTo("abc!");
      assertThat(store.revisions("d", 1, 1).get())
          .singleElement()
          .satisfies(r -> assertThat(r.author()).isEqualTo("bob"));
      assertThat(store.pendingTimes("d").get()).containsExactly(7L);
      store.localEdits("d", List.of(TextOperation.splice(4, 4, 0, "?")), List.of(8L)).get();
      assertThat(store.localText("d").get()).isEqualTo("abc!?");
    }
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                    + " WHERE CONSTRAINT_TYPE = 'FOREIGN KEY'"
                    + " AND TABLE_NAME IN ('REVISIONS', 'PENDING_OPS')")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }
}
