package dev.quire.ot.note;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.SequencedBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentNotesTest {
  private final DocumentNotes notes = new DocumentNotes();
  private int length;
  private long head;

  /** Appends a batch by {@code author}: one edit of the text (or none) and the notes. */
  private void batch(String author, TextOperation op, Note... n) {
    TextOperation o = op != null ? op : TextOperation.identity(length);
    Batch b = new Batch(author + "-c", head + 1, head, List.of(o), List.of(n));
    SequencedBatch s = new SequencedBatch(head + 1, author, 1000 + head, b);
    notes.append(s, List.of(o), List.of());
    length = o.targetLength();
    head++;
  }

  @Test
  void comment_movesWithLaterEdits_andRepliesResolveAndEditByAuthorOnly() {
    batch("alice", TextOperation.splice(0, 0, 0, "the quick fox"));
    batch("alice", null, new Note.Comment("c1", 4, 9, "which one?"));
    batch("bob", TextOperation.splice(length, 0, 0, ">> "), new Note.Reply("r1", "c1", "brown"));
    batch("bob", null, new Note.Edit("c1", "not mine"), new Note.Resolve("c1", true));
    batch("alice", null, new Note.Delete("r1"), new Note.Reply("r1", "c1", "reused id"));

    CommentThread c = notes.comment("c1");
    assertThat(c.anchor()).isEqualTo(new Anchor(7, 12)); // "quick" after the ">> " prefix
    assertThat(c.text()).isEqualTo("which one?");
    assertThat(c.resolved()).isTrue();
    assertThat(c.replies()).extracting(CommentThread.Reply::text).containsExactly("brown");
    assertThat(notes.revision()).isEqualTo(5);
  }

  @Test
  void comment_beyondItsAuthorsText_isIgnored() {
    batch("alice", TextOperation.splice(0, 0, 0, "abc"), new Note.Comment("c1", 1, 4, "x"));
    assertThat(notes.comments()).isEmpty();
  }

  @Test
  void deleteByAuthor_removesTheThread() {
    batch("alice", TextOperation.splice(0, 0, 0, "abc"), new Note.Comment("c1", 0, 3, "x"));
    batch("alice", null, new Note.Delete("c1"));
    assertThat(notes.comments()).isEmpty();
  }

  @Test
  void version_namesItsOwnBatch_orASeenRevision() {
    batch("alice", TextOperation.splice(0, 0, 0, "abc"));
    batch("alice", null, new Note.Version("first", null));
    batch("bob", null, new Note.Version("old", 1L), new Note.Version("unseen", 9L));
    assertThat(notes.versions())
        .extracting(NamedVersion::name, NamedVersion::revision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("first", 2L),
            org.assertj.core.groups.Tuple.tuple("old", 1L));
  }

  @Test
  void removeVersion_countsOnlyFromWhoGaveTheName() {
    batch("alice", TextOperation.splice(0, 0, 0, "abc"));
    batch("alice", null, new Note.Version("draft", null), new Note.Version("final", 1L));
    batch("bob", null, new Note.Version("draft", 1L));
    batch("bob", null, new Note.RemoveVersion("draft", 2L), new Note.RemoveVersion("draft", 1L));
    batch("alice", null, new Note.RemoveVersion("final", 2L)); // no such name at 2: nothing
    assertThat(notes.versions())
        .extracting(NamedVersion::name, NamedVersion::revision, NamedVersion::author)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("draft", 2L, "alice"),
            org.assertj.core.groups.Tuple.tuple("final", 1L, "alice"));

    batch("alice", null, new Note.RemoveVersion("draft", 2L));
    assertThat(notes.versions()).extracting(NamedVersion::name).containsExactly("final");
  }
}
