package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.TextOperation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a document removes its rows a bounded amount per commit, and a deletion cut short (the
 * process killed half-way) leaves no document behind: the next open finishes it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DocumentPurgeTest {
  private static final int MEGA = 1_000_000;
  private static final int REVISIONS = 10;

  @TempDir Path dir;

  /** Document {@code id} with ten revisions of a million characters each and a checkpoint. */
  private static void largeDocument(LocalStore store, String id) {
    assertThat(store.createDocument(id, "Large", 1, false, List.of()).join()).isTrue();
    String block = "x".repeat(MEGA);
    List<Revision> revs = new ArrayList<>();
    for (int r = 1; r <= REVISIONS; r++) {
      TextOperation op = TextOperation.builder().retain((r - 1) * MEGA).insert(block).build();
      revs.add(new Revision(r, r - 1, r, "alice", "c", r, r, r, op, op));
    }
    List<LocalStore.Checkpoint> cps =
        List.of(new LocalStore.Checkpoint(REVISIONS, block.repeat(REVISIONS)));
    store.received(id, revs, cps, OutboxChange.unchanged()).join();
  }

  /** Rows of {@code id} left in the tables a purge empties, read from the closed profile. */
  private long rowsOf(String id) throws Exception {
    long n = 0;
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        Statement s = c.createStatement()) {
      for (String table :
          List.of("log_blocks", "checkpoints", "pending_ops", "outbox_blocks", "document_purges")) {
        try (ResultSet rs =
            s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE doc_id = '" + id + "'")) {
          rs.next();
          n += rs.getLong(1);
        }
      }
    }
    return n;
  }

  @Test
  void deletingALargeDocument_commitsInBoundedSteps_andLeavesNoRows() throws Exception {
    try (LocalStore store = LocalStore.open(dir)) {
      largeDocument(store, "big");
      long commitsBefore = store.durability().commits();
      assertThat(store.deleteDocument("big", 5).join()).isTrue();
      // A commit for the row, then one per million-character log row (STEP_CHARS each), one for the
      // checkpoint, and the last.
      assertThat(store.durability().commits() - commitsBefore).isEqualTo(REVISIONS + 3);
      assertThat(store.documents().join()).isEmpty();
      assertThat(store.deleteDocument("big", 6).join()).as("deleted once").isFalse();
    }
    assertThat(rowsOf("big")).isZero();
  }

  @Test
  void aDeletionCutShort_isFinishedOnOpen_andTheIdIsFreeAfterwards() throws Exception {
    try (LocalStore store = LocalStore.open(dir)) {
      largeDocument(store, "big");
    }
    // What a process killed after the first step of a deletion leaves.
    try (ProfileDatabase db = ProfileDatabase.open(dir)) {
      Connection c = db.connection();
      Queries.update(c, "DELETE FROM documents WHERE id = ?", "big");
      DocumentPurge.begin(c, "big");
      c.commit();
      assertThat(DocumentPurge.step(c, "big")).isTrue();
      c.commit();
    }
    assertThat(rowsOf("big")).isGreaterThan(1);

    try (LocalStore store = LocalStore.open(dir)) {
      assertThat(store.documents().join()).as("no half-deleted document").isEmpty();
      store.purgesDone().join();
      assertThat(store.createDocument("big", "Again", 7, false, List.of()).join()).isTrue();
      assertThat(store.localText("big").join()).as("nothing of the old one").isEmpty();
      assertThat(store.deleteDocument("big", 8).join()).isTrue();
    }
    assertThat(rowsOf("big")).isZero();
  }

  @Test
  void anIdWhosePurgeIsUnfinished_staysTaken() throws Exception {
    try (ProfileDatabase db = ProfileDatabase.open(dir)) {
      Connection c = db.connection();
      DocumentPurge.begin(c, "gone");
      assertThat(Queries.insertDocument(c, "gone", "New", 1, false)).isFalse();
      c.rollback();
    }
  }
}
