package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A local history read back as whole batches, in pages within a byte bound, in order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistoryPagesTest {
  @TempDir Path dir;

  @Test
  void pages_holdWholeBatchesInOrder_withinTheBound_acrossReadsOfTheLog() throws Exception {
    int revisions = HistoryPages.READ_REVISIONS * 2 + 345;
    try (LocalStore store = LocalStore.open(dir.resolve("p"))) {
      store.createDocument("doc", "T", 1, true, List.of()).get();
      List<Revision> revs = new ArrayList<>();
      int length = 0;
      long first = 1;
      long seq = 1;
      for (int r = 1; r <= revisions; r++) {
        if (r > first + (seq % 7) * 100) { // batches of 1 to 601 revisions
          first = r;
          seq++;
        }
        TextOperation op = TextOperation.splice(length, length, 0, "x");
        length++;
        String author = seq % 2 == 0 ? "alice" : "bob";
        revs.add(
            new Revision(
                r,
                first - 1,
                first,
                author,
                "c-" + author,
                seq,
                1000 + first,
                500 + first,
                op,
                op));
      }
      store.received("doc", revs, List.of(), OutboxChange.unchanged()).get();

      long bound = 8_000;
      HistoryPages pages = new HistoryPages(store, "doc", revisions, bound);
      List<WireSequenced> all = new ArrayList<>();
      while (!pages.done()) {
        List<WireSequenced> page = pages.next().get(30, TimeUnit.SECONDS);
        assertThat(page).isNotEmpty();
        long bytes = page.stream().mapToLong(WireSequenced::wireBytesBound).sum();
        assertThat(page.size() == 1 || bytes <= bound).as("within the bound").isTrue();
        all.addAll(page);
      }
      assertThat(pages.next().get()).as("nothing after the head").isEmpty();
      long next = 1;
      for (WireSequenced b : all) {
        assertThat(b.firstRevision()).isEqualTo(next);
        assertThat(b.batch().baseRevision()).isEqualTo(b.firstRevision() - 1);
        assertThat(b.timestampMillis()).isEqualTo(1000 + b.firstRevision());
        assertThat(b.batch().madeAt()).isEqualTo(500 + b.firstRevision());
        next = b.lastRevision() + 1;
      }
      assertThat(next - 1).isEqualTo(revisions);
      assertThat(all).extracting(b -> b.batch().batchSeq()).doesNotHaveDuplicates();
    }
  }
}
