package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.note.Anchor;
import dev.quire.ot.note.DocumentNotes;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a document with many revisions and notes reads its notes snapshot and the revisions after
 * it, not the log from its first batch with notes, and gets what the replay of the whole log gets.
 */
class NotesSnapshotTest {
  @TempDir Path dir;
  private LocalStore store;
  private final GapBuffer text = new GapBuffer();
  private final List<TextOperation> log = new ArrayList<>();
  private final List<Revision> pending = new ArrayList<>();
  private final List<LocalStore.Checkpoint> checkpoints = new ArrayList<>();

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Appends a batch of one revision: {@code sent} by its author on {@code base}, with notes. */
  private void batch(String author, long base, TextOperation sent, Note... notes) {
    long r = log.size() + 1;
    TextOperation canonical = sent;
    for (long k = base + 1; k < r; k++) {
      canonical = TextOperation.transform(canonical, log.get((int) (k - 1))).aPrime();
    }
    text.apply(canonical);
    log.add(canonical);
    pending.add(
        new Revision(
            r,
            base,
            r,
            author,
            "c-" + author,
            r,
            1000 * r,
            1000 * r,
            canonical,
            sent,
            List.of(notes)));
    if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
      checkpoints.add(new LocalStore.Checkpoint(r, text.toString()));
    }
  }

  private void edit(String author, TextOperation op) {
    batch(author, log.size(), op);
  }

  private void save() throws Exception {
    store.received("doc", pending, checkpoints, OutboxChange.unchanged()).get();
    pending.clear();
    checkpoints.clear();
  }

  private static void assertSameNotes(DocumentNotes actual, DocumentNotes expected) {
    assertThat(actual.revision()).isEqualTo(expected.revision());
    assertThat(actual.comments()).isEqualTo(expected.comments());
    assertThat(actual.versions()).isEqualTo(expected.versions());
    assertThat(actual.usedIds()).isEqualTo(expected.usedIds());
  }

  @Test
  void openingUsesTheSnapshot_andGetsWhatTheWholeReplayGets() throws Exception {
    store = LocalStore.open(dir);
    store.createDocument("doc", "Notes", 1, true, List.of()).get();
    edit("alice", TextOperation.splice(0, 0, 0, "the quick fox\n"));
    batch("bob", 1, TextOperation.identity(14), new Note.Comment("c1", 4, 9, "which one?"));
    batch("bob", 2, TextOperation.identity(14), new Note.Comment("c2", 0, 3, "gone soon"));
    batch("bob", 3, TextOperation.identity(14), new Note.Delete("c2"));
    for (int i = 0; i < 2_500; i++) { // typed at the start, before the comment: it moves along
      edit("alice", TextOperation.splice(text.length(), 0, 0, "x"));
    }
    batch("alice", log.size(), TextOperation.identity(text.length()), new Note.Version("v1", null));
    save();

    long before = store.notesRevisionsRead();
    LoadedDocument first = store.load("doc").get();
    assertThat(store.notesRevisionsRead() - before).isGreaterThanOrEqualTo(2_500); // no snapshot
    store.flush().get();
    long snapshotAt = log.size();
    assertThat(first.notes().revision()).isEqualTo(snapshotAt);

    // After the snapshot: edits, a reply, and a comment by Bob on a revision from before it,
    // whose anchor is placed through the revisions concurrent with it.
    for (int i = 0; i < 10; i++) {
      edit("alice", TextOperation.splice(text.length(), 0, 0, "y"));
    }
    batch(
        "carol",
        log.size(),
        TextOperation.identity(text.length()),
        new Note.Reply("r1", "c1", "the red one"));
    long old = snapshotAt - 3;
    int oldLength = log.get((int) old - 1).targetLength();
    batch(
        "bob",
        old,
        TextOperation.splice(oldLength, oldLength, 0, "!"),
        new Note.Comment("c3", 0, 3, "the start, as Bob saw it"),
        new Note.Comment("c2", 0, 1, "an id used before: ignored"));
    save();

    before = store.notesRevisionsRead();
    LoadedDocument again = store.load("doc").get();
    long read = store.notesRevisionsRead() - before;
    assertThat(read).isLessThanOrEqualTo(log.size() - old).isLessThan(30);

    DocumentNotes replayed = new DocumentNotes();
    NotesReplay.replay(replayed, store.revisions("doc", 1, log.size()).get(), 1);
    assertSameNotes(again.notes(), replayed);
    assertThat(again.notes().comment("c1").anchor()).isEqualTo(new Anchor(2_514, 2_519));
    assertThat(again.headText().substring(2_514, 2_519)).isEqualTo("quick");
    assertThat(again.notes().comment("c1").replies()).hasSize(1);
    // Alice's last two x's and her y's, typed at the start while Bob was behind, land before
    // his comment's start.
    assertThat(again.notes().comment("c3").anchor()).isEqualTo(new Anchor(12, 15));
    assertThat(again.headText()).startsWith("yyyyyyyyyyxxx").endsWith("fox\n!");
    assertThat(again.notes().comment("c2")).isNull();
    assertThat(again.notes().versions()).hasSize(1);
  }

  @Test
  void anUnreadableSnapshot_isIgnored_andTheLogReplayed() throws Exception {
    assertThat(NotesSnapshot.fromJson("{\"revision\": 3}")).isNull();
    assertThat(NotesSnapshot.fromJson("not json")).isNull();
    DocumentNotes notes = new DocumentNotes();
    assertThat(NotesSnapshot.fromJson(NotesSnapshot.toJson(notes)).revision()).isZero();
  }
}
