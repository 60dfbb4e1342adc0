package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.ot.operation.TextOperation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore on a real session, headless: one new edit, the log untouched. */
class RestoreSessionTest {
  private static final String REV1 = "fn main() {\n}\n";
  private static final String REV2 = "fn main() {\n    println!(\"😀\");\n}\n";

  @TempDir Path dir;
  private LocalStore store;
  private OwnerThread owner;
  private DocumentSession session;

  @BeforeEach
  void open() throws Exception {
    store = LocalStore.open(dir);
    Histories.write(
        store,
        "doc",
        "main.rs",
        List.of(
            new Histories.Edit("alice", TextOperation.splice(0, 0, 0, REV1)),
            new Histories.Edit("bob", TextOperation.splice(14, 12, 0, "    println!(\"😀\");\n"))));
    owner = OwnerThread.start("restore-test");
    session = DocumentSession.open(store, "doc", owner, 1000).get();
  }

  @AfterEach
  void close() {
    owner.close();
    store.close();
  }

  @Test
  void restore_isOneLocalEditAndTheLogOnlyGrows() throws Exception {
    List<Revision> before = store.revisions("doc", 1, 2).get();
    owner.run(() -> session.splice(0, 0, "// unsent\n")); // restore starts from the local text
    boolean changed = owner.call(() -> Restore.apply(session, store.textAt("doc", 1).get()));
    assertThat(changed).isTrue();
    assertThat(owner.call(session::text)).isEqualTo(REV1);
    assertThat(owner.call(session::unacknowledged)).isEqualTo(2);
    assertThat(owner.call(session::revision)).isEqualTo(2);
    store.flush().get();
    assertThat(store.revisions("doc", 1, 100).get()).isEqualTo(before);
    assertThat(store.localText("doc").get()).isEqualTo(REV1);
  }

  @Test
  void restore_ofTheCurrentTextChangesNothing() throws Exception {
    assertThat(owner.call(() -> Restore.apply(session, REV2))).isFalse();
    assertThat(owner.call(session::unacknowledged)).isZero();
  }

  @Test
  void restore_withAnInsertOverTheMessageLimitIsSplitButEndsAtTheText() throws Exception {
    String big = "x".repeat(DocumentSession.MAX_INSERT * 2 + 5) + "😀";
    assertThat(owner.call(() -> Restore.apply(session, big))).isTrue();
    assertThat(owner.call(session::text)).isEqualTo(big);
    // One delete, then inserts of at most MAX_INSERT code points: four edits here.
    assertThat(owner.call(session::unacknowledged)).isEqualTo(4);
  }
}
