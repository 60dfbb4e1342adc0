package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.sql.SqlDocuments;
import dev.quire.relay.store.sql.SqlUsers;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendWriterTest {
  @TempDir Path dir;
  Database db;
  DocumentStore documents;
  H2HistoryStore history;

  @BeforeEach
  void open() {
    db = Database.open(dir, 2);
    new SqlUsers(db, SqlUsers.ChangeHook.NONE).add("alice");
    documents = new SqlDocuments(db, Database.HISTORY_TABLES);
    history = new H2HistoryStore(db);
    documents.create("a", "A", "alice", 1);
    documents.create("b", "B", "alice", 1);
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** Batch {@code seq} of client c, {@code size} operations from revision {@code first}. */
  private static HistoryStore.Append append(String doc, long first, long seq, int size) {
    List<String> ops = java.util.Collections.nCopies(size, "\"op\"");
    WireSequenced e =
        new WireSequenced(
            first, "alice", 100 + seq, new WireBatch("c", seq, first - 1, ops, 50 + seq));
    return new HistoryStore.Append(doc, e, null, new byte[32], null);
  }

  @Test
  void severalBatchesOfADocumentInOneFlush_moveItsHeadPastTheLast() throws Exception {
    try (Connection c = db.connection();
        AppendWriter w = new AppendWriter(c)) {
      c.setAutoCommit(false);
      w.add(append("a", 1, 1, 2));
      w.add(append("b", 1, 1, 1));
      w.add(append("a", 3, 2, 1));
      w.add(append("a", 4, 3, 3));
      w.flush();
      c.commit();
    }
    DocumentStore.DocumentRow a = documents.find("a").orElseThrow();
    assertThat(a.head()).isEqualTo(6);
    assertThat(a.lastChangeMillis()).isEqualTo(103);
    assertThat(history.missingCanonical("a")).isEqualTo(6); // none of them had canonical forms
    assertThat(documents.find("b").orElseThrow().head()).isEqualTo(1);
    assertThat(history.page("a", 0, 100)).hasSize(3);
    assertThat(history.latestBatches("a"))
        .singleElement()
        .extracting(l -> l.batch().batchSeq())
        .isEqualTo(3L);
  }

  @Test
  void aBatchThatDoesNotContinueItsDocument_isRefused_andRollingBackStoresNothing()
      throws Exception {
    history.append(append("a", 1, 1, 1));
    try (Connection c = db.connection();
        AppendWriter w = new AppendWriter(c)) {
      c.setAutoCommit(false);
      w.add(append("b", 1, 1, 1));
      w.add(append("a", 3, 2, 1)); // the head is 1
      assertThatThrownBy(w::flush)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("document a is not at revision 2");
      w.clear();
      c.rollback();
      w.add(append("a", 2, 2, 1));
      assertThatThrownBy(() -> w.add(append("a", 4, 3, 1))) // leaves a gap after 2
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("document a is not at revision 3");
      w.clear();
      c.rollback();
    }
    assertThat(documents.find("a").orElseThrow().head()).isEqualTo(1);
    assertThat(documents.find("b").orElseThrow().head()).isEqualTo(0);
    assertThat(history.page("b", 0, 100)).isEmpty();
  }
}
