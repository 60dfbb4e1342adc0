package dev.quire.editor.ui.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.operation.TextOperation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryIndexTest {
  private static final String[] AUTHORS = {"alice", "bob", "chen"};
  private static final String[] PIECES = {
    "a", "bc", "😀", "🇫🇷", "e\u0301", "\n", "word ", "👩‍💻"
  };
  private static final int REVISIONS = 2600;

  private static final List<Long> PROBES =
      List.of(0L, 1L, 2L, 999L, 1000L, 1001L, 1999L, 2000L, 2345L);

  // One store for the class: the tests only read it.
  @TempDir static Path dir;
  private static LocalStore store;

  /** The author name of every code point, at the revisions the tests look at. */
  private static final Map<Long, List<String>> expected = new HashMap<>();

  private HistoryIndex index;

  @BeforeAll
  static void writeHistory() throws Exception {
    store = LocalStore.open(dir);
    Random rnd = new Random(42);
    List<Histories.Edit> edits = new ArrayList<>();
    List<String> model = new ArrayList<>();
    expected.put(0L, List.of());
    for (int i = 1; i <= REVISIONS; i++) {
      int length = model.size();
      int at = rnd.nextInt(length + 1);
      int delete = rnd.nextInt(3) == 0 ? rnd.nextInt(Math.min(5, length - at) + 1) : 0;
      String insert = PIECES[rnd.nextInt(PIECES.length)];
      String author = AUTHORS[(i / 7) % 3]; // turns of seven edits
      edits.add(new Histories.Edit(author, TextOperation.splice(length, at, delete, insert)));
      model.subList(at, at + delete).clear();
      for (int k = 0; k < insert.codePointCount(0, insert.length()); k++) {
        model.add(at, author);
      }
      if (PROBES.contains((long) i) || i == REVISIONS) {
        expected.put((long) i, List.copyOf(model));
      }
    }
    Histories.write(store, "doc", "Notes", edits);
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  @BeforeEach
  void newIndex() {
    index = new HistoryIndex(store, "doc", r -> {});
  }

  @AfterEach
  void closeIndex() {
    index.close();
  }

  @Test
  void frames_haveTheStoreTextAuthorTimeAndPerCharacterAuthors() throws Exception {
    index.indexTo(REVISIONS);
    List<Long> revs = new ArrayList<>(PROBES);
    revs.add((long) REVISIONS);
    for (long r : revs) {
      Frame f = index.frame(r).get(10, TimeUnit.SECONDS);
      assertThat(f.revision()).isEqualTo(r);
      assertThat(f.text()).as("text at %d", r).isEqualTo(store.textAt("doc", r).get());
      if (r == 0) {
        assertThat(f.author()).isNull();
      } else {
        assertThat(f.author()).isEqualTo(AUTHORS[(int) (r / 7) % 3]);
        assertThat(f.timestampMillis()).isEqualTo(Histories.EPOCH_MILLIS + r * 1000);
      }
      Frame.Colouring c = f.colouring().get(10, TimeUnit.SECONDS);
      assertThat(c.revision()).isEqualTo(r);
      assertThat(namesOf(c)).as("authors at %d", r).isEqualTo(expected.get(r));
      c.attribution().charStarts(f.text()); // fits the text, astral characters included
    }
  }

  @Test
  void colouring_waitsForTheBackgroundPassThenArrives() throws Exception {
    Frame f = index.frame(2345).get(10, TimeUnit.SECONDS);
    assertThat(f.text()).isEqualTo(store.textAt("doc", 2345).get());
    // Nothing has been indexed yet (no indexTo), so the authorship cannot be known.
    assertThat(f.colouring()).isNotDone();
    index.indexTo(REVISIONS);
    Frame.Colouring c = f.colouring().get(10, TimeUnit.SECONDS);
    assertThat(namesOf(c)).isEqualTo(expected.get(2345L));
  }

  @Test
  void frame_beyondTheLocalLogFailsWithAClearMessage() {
    assertThatThrownBy(() -> index.frame(REVISIONS + 5).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining(
            "revision " + (REVISIONS + 5) + " of doc is not in the local store yet");
  }

  private static List<String> namesOf(Frame.Colouring c) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < c.attribution().length(); i++) {
      out.add(c.authors().get(c.attribution().authorAt(i)));
    }
    return out;
  }
}
