package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large rewritten outbox kept as blocks, with the rows it replaced marked dead (migration V4).
 */
class OutboxBlocksTest {
  private static final String[] KEYS = {"a", "😀", "\n", "é", "\"", "🇫🇷", "\\"};

  @TempDir Path dir;
  private LocalStore store;

  @BeforeEach
  void open() {
    store = LocalStore.open(dir);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private void reopen() {
    store.close();
    store = LocalStore.open(dir);
  }

  /** One insert per key, appended to a text of {@code length} code points. */
  private static List<TextOperation> typing(int length, int count, String key) {
    List<TextOperation> ops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String k = key != null ? key : KEYS[i % KEYS.length];
      ops.add(TextOperation.splice(length, length, 0, k));
      length += k.codePointCount(0, k.length());
    }
    return ops;
  }

  private static List<Long> times(long from, int count) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(from + i);
    }
    return out;
  }

  private static String text(List<TextOperation> ops) {
    String s = "";
    for (TextOperation op : ops) {
      s = op.apply(s);
    }
    return s;
  }

  /** Revision 1: someone else's "R" at the start of the empty document. */
  private static Revision remote() {
    TextOperation r = TextOperation.splice(0, 0, 0, "R");
    return new Revision(1, 0, 1, "bob", "cb", 1, 99, r, r);
  }

  private Revision own(long rev, TextOperation op) {
    return new Revision(rev, rev - 1, rev, "me", store.clientId(), 1, 99, op, op);
  }

  private int rows(String doc) throws Exception {
    return count("pending_ops", doc);
  }

  private int count(String table, String doc) throws Exception {
    store.close();
    store = null;
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        PreparedStatement s =
            c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE doc_id = ?")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } finally {
      store = LocalStore.open(dir);
    }
  }

  @Test
  void largeRewrite_isKeptAsBlocksThatAcknowledgementsConsumeBeforeTheRowsAfterThem()
      throws Exception {
    int n = 2 * Outbox.BLOCK_OPS + 500; // three blocks
    store.createDocument("d", "D", 1, true, List.of()).get();
    store.localEdits("d", typing(0, n, null), times(0, n)).get();
    List<TextOperation> rebased = typing(1, n, null); // past the remote "R"
    store
        .received(
            "d",
            List.of(remote()),
            List.of(),
            new OutboxChange.Replaced(rebased, times(0, n), null, 1))
        .get();
    String typed = text(typing(0, n, null));
    int typedLength = typed.codePointCount(0, typed.length());
    List<TextOperation> more = typing(1 + typedLength, 3, "z");
    store.localEdits("d", more, times(10_000, 3)).get();
    reopen();

    List<TextOperation> all = new ArrayList<>(rebased);
    all.addAll(more);
    LoadedDocument loaded = store.load("d").get();
    assertThat(loaded.state().queued()).isEqualTo(all);
    assertThat(loaded.pendingMadeAt()).hasSize(n + 3).startsWith(0L, 1L).endsWith(10_002L);
    assertThat(store.localText("d").get()).isEqualTo("R" + typed + "zzz");
    assertThat(store.document("d").get().orElseThrow().pending()).isEqualTo(n + 3);
    assertThat(rows("d")).as("replaced rows stay until an acknowledgement").isEqualTo(n + 3);

    // Acknowledged: the first block and part of the second.
    int first = Outbox.BLOCK_OPS + 200;
    store.batchSent("d", new Batch(store.clientId(), 1, 1, all.subList(0, first)), 2).get();
    List<Revision> acked = new ArrayList<>();
    for (int i = 0; i < first; i++) {
      acked.add(own(2 + i, all.get(i)));
    }
    store.received("d", acked, List.of(), new OutboxChange.Acknowledged(first)).get();
    store.flush().get();
    store.deadRowsDeleted("d").get();
    assertThat(rows("d")).as("replaced rows stay while blocks are unacknowledged").isEqualTo(n + 3);
    loaded = store.load("d").get();
    assertThat(loaded.state().inFlight()).isNull();
    assertThat(loaded.state().queued()).isEqualTo(all.subList(first, all.size()));
    assertThat(loaded.pendingMadeAt()).startsWith((long) first);
    assertThat(store.document("d").get().orElseThrow().pending()).isEqualTo(n + 3 - first);
    assertThat(store.localText("d").get()).isEqualTo("R" + typed + "zzz");

    // Then the rest of the blocks and one row after them.
    int second = n - first + 1;
    acked.clear();
    for (int i = 0; i < second; i++) {
      acked.add(own(2 + first + i, all.get(first + i)));
    }
    store.received("d", acked, List.of(), new OutboxChange.Acknowledged(second)).get();
    reopen();
    loaded = store.load("d").get();
    assertThat(loaded.state().queued()).isEqualTo(more.subList(1, 3));
    assertThat(loaded.pendingMadeAt()).containsExactly(10_001L, 10_002L);
    assertThat(store.document("d").get().orElseThrow().pending()).isEqualTo(2);
    store.flush().get(); // the acknowledgement's commit started the deletion
    store.deadRowsDeleted("d").get();
    assertThat(rows("d")).as("dead rows deleted once the blocks are acknowledged").isEqualTo(2);
    assertThat(store.localText("d").get()).isEqualTo("R" + typed + "zzz");
  }

  @Test
  void rewritesSwitchBetweenBlocksAndRowsAndKeepTheOrder() throws Exception {
    store.createDocument("d", "D", 1, true, List.of()).get();
    int n = Outbox.BLOCK_MIN + 10;
    store.localEdits("d", typing(0, n, "x"), times(0, n)).get();
    // Long inserts: the blocks are cut by size as well as by count.
    String big = "y".repeat(4000);
    List<TextOperation> rebased = typing(1, n, big);
    store
        .received(
            "d",
            List.of(remote()),
            List.of(),
            new OutboxChange.Replaced(rebased, times(0, n), null, 1))
        .get();
    reopen();
    assertThat(store.load("d").get().state().queued()).isEqualTo(rebased);
    assertThat(store.localText("d").get()).isEqualTo("R" + big.repeat(n));
    assertThat(count("outbox_blocks", "d"))
        .as("cut by size: fewer than BLOCK_OPS")
        .isGreaterThan(1);

    // A small rewrite replaces the blocks with rows; a row typed after it follows it.
    List<TextOperation> small = List.of(TextOperation.splice(1, 1, 0, "s"));
    store
        .received("d", List.of(), List.of(), new OutboxChange.Replaced(small, List.of(7L), null, 1))
        .get();
    store.localEdits("d", List.of(TextOperation.splice(2, 2, 0, "t")), List.of(8L)).get();
    reopen();
    assertThat(store.localText("d").get()).isEqualTo("Rst");
    assertThat(store.pendingTimes("d").get()).containsExactly(7L, 8L);
    assertThat(store.document("d").get().orElseThrow().pending()).isEqualTo(2);

    // A large one again, after which new rows still come last.
    List<TextOperation> large = typing(1, n, "u");
    store
        .received(
            "d", List.of(), List.of(), new OutboxChange.Replaced(large, times(100, n), null, 1))
        .get();
    store.localEdits("d", List.of(TextOperation.splice(1 + n, 1 + n, 0, "v")), List.of(9L)).get();
    reopen();
    assertThat(store.localText("d").get()).isEqualTo("R" + "u".repeat(n) + "v");
    assertThat(store.pendingTimes("d").get()).hasSize(n + 1).startsWith(100L).endsWith(9L);
    assertThat(store.document("d").get().orElseThrow().pending()).isEqualTo(n + 1);

    // Deleting the document removes blocks and rows, dead or live.
    assertThat(store.deleteDocument("d", 5).get()).isTrue();
    assertThat(rows("d")).isZero();
    assertThat(count("outbox_blocks", "d")).isZero();
  }
}
