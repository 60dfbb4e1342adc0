package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.SequencedBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catch-up with many unsent local edits rebases the queue once for all its pages: the remote
 * edits are shown, and the log saved with the rebased outbox, after the last page. Until then the
 * getters read the text shown, a local edit is made on it, and the commands that need the queue
 * rebased (saving, sending) rebase it first. The text is the one taking the same batches one by one
 * gives (the remote edits here only insert; see the engine's BulkRebaseProperties).
 */
class CatchUpRebaseTest {
  @TempDir Path dir;
  private LocalStore store;
  private OwnerThread owner;

  @BeforeEach
  void open() {
    store = LocalStore.open(dir);
    owner = OwnerThread.start("owner-test");
  }

  @AfterEach
  void close() {
    owner.close();
    store.close();
  }

  /** The session of a new document, already on the relay, with 100 unsent edits typed into it. */
  private DocumentSession offlineSession(String id) throws Exception {
    store.createDocument(id, "T", 1, true, List.of()).get();
    DocumentSession s =
        owner.call(() -> DocumentSession.open(store, id, owner, 1000)).get(30, TimeUnit.SECONDS);
    Typist t = new Typist(3);
    owner.run(
        () -> {
          for (int i = 0; i < 100; i++) {
            t.type(s);
          }
        });
    return s;
  }

  /** Three pages of another author's typing, two batches of 40 edits each. */
  private static List<List<SequencedBatch>> remotePages() {
    List<List<SequencedBatch>> pages = new ArrayList<>();
    String[] keys = {"r", "😀", "🇫🇷", "\n", "e\u0301"};
    int length = 0;
    long revision = 0;
    for (int p = 0; p < 3; p++) {
      List<SequencedBatch> page = new ArrayList<>();
      for (int b = 0; b < 2; b++) {
        List<TextOperation> ops = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          String k = keys[(i + b) % keys.length];
          TextOperation op = TextOperation.splice(length, (length * 7 + i) % (length + 1), 0, k);
          ops.add(op);
          length = op.targetLength();
        }
        Batch batch = new Batch("c-remote", 2 * p + b + 1, revision, ops);
        page.add(new SequencedBatch(revision + 1, "bob", 100 + revision, batch));
        revision += ops.size();
      }
      pages.add(page);
    }
    return pages;
  }

  @Test
  void catchUpPages_rebaseTheQueueOnceAndGiveTheTextOfTakingThemOneByOne() throws Exception {
    DocumentSession paged = offlineSession("paged");
    DocumentSession oneByOne = offlineSession("single");
    List<TextOperation> shown = new ArrayList<>();
    owner.run(
        () ->
            paged.addListener(
                new DocumentListener() {
                  @Override
                  public void remoteEdit(TextOperation op) {
                    shown.add(op);
                  }
                }));
    List<List<SequencedBatch>> pages = remotePages();

    for (int p = 0; p < pages.size(); p++) {
      List<SequencedBatch> page = pages.get(p);
      boolean last = p == pages.size() - 1;
      assertThat(owner.call(() -> paged.receiveAll(page, !last))).isEqualTo(-1);
      owner.run(() -> page.forEach(oneByOne::receive));
      assertThat(owner.call(paged::rebasePending)).isEqualTo(!last);
      assertThat(owner.call(paged::revision)).isEqualTo(80L * (p + 1));
      assertThat(shown).as("remote edits shown after page %d", p + 1).hasSize(last ? 1 : 0);
    }

    assertThat(paged.unacknowledged()).isEqualTo(100);
    assertThat(owner.call(paged::text)).isEqualTo(owner.call(oneByOne::text));
    owner.run(paged::save);
    owner.run(oneByOne::save);
    store.flush().get();
    assertThat(store.localText("paged").get()).isEqualTo(owner.call(paged::text));
    assertThat(store.revisions("paged", 1, 240).get())
        .isEqualTo(store.revisions("single", 1, 240).get());
  }

  @Test
  void gettersDuringTheCatchUp_readTheTextShownAndLeaveTheRebaseWaiting() throws Exception {
    DocumentSession paged = offlineSession("paged");
    String before = owner.call(paged::text);
    List<TextOperation> shown = new ArrayList<>();
    owner.run(
        () ->
            paged.addListener(
                new DocumentListener() {
                  @Override
                  public void remoteEdit(TextOperation op) {
                    shown.add(op);
                  }
                }));
    owner.call(() -> paged.receiveAll(remotePages().get(0), true));

    assertThat(owner.call(paged::text)).isEqualTo(before);
    assertThat(owner.call(paged::length)).isEqualTo(before.codePointCount(0, before.length()));
    assertThat(owner.call(paged::revision)).isEqualTo(80L);
    assertThat(owner.call(paged::unacknowledged)).isEqualTo(100);
    assertThat(owner.call(paged::status)).isNotNull();
    assertThat(owner.call(paged::rebasePending)).isTrue();
    assertThat(shown).isEmpty();
  }

  @Test
  void editDuringTheCatchUp_isMadeOnTheTextShownAndSavedRebasedWithTheRest() throws Exception {
    DocumentSession paged = offlineSession("paged");
    DocumentSession oneByOne = offlineSession("single");
    List<List<SequencedBatch>> pages = remotePages();

    owner.call(() -> paged.receiveAll(pages.get(0), true));
    assertThat(owner.call(paged::rebasePending)).isTrue();
    String shown = owner.call(paged::text);
    owner.run(() -> paged.splice(3, 1, "!")); // on the text shown, before the remote edits
    assertThat(owner.call(paged::rebasePending)).isTrue();
    assertThat(owner.call(paged::text))
        .isEqualTo(TextOperation.splice(owner.call(oneByOne::length), 3, 1, "!").apply(shown));
    // One by one, the same edit is made before the remote edits arrive.
    owner.run(() -> oneByOne.splice(3, 1, "!"));
    owner.run(() -> pages.get(0).forEach(oneByOne::receive));
    for (int p = 1; p < pages.size(); p++) {
      List<SequencedBatch> page = pages.get(p);
      owner.call(() -> paged.receiveAll(page, true));
      owner.run(() -> page.forEach(oneByOne::receive));
    }
    owner.run(paged::save); // the catch-up stopped here (a gap, a lost connection): saves all
    store.flush().get();

    assertThat(owner.call(paged::rebasePending)).isFalse();
    assertThat(paged.unacknowledged()).isEqualTo(101);
    assertThat(owner.call(paged::text)).isEqualTo(owner.call(oneByOne::text));
    assertThat(store.localText("paged").get()).isEqualTo(owner.call(paged::text));
    assertThat(store.document("paged").get().orElseThrow().head()).isEqualTo(240);
  }
}
