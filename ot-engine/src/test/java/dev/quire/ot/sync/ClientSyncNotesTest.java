package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.TextOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientSyncNotesTest {
  private final MemoryLog log = new MemoryLog();
  private final ClientSync client = new ClientSync("c1", log, 10);

  @Test
  void notesAlone_goInABatchOfOneOperationThatChangesNothing_notCountedAsAnEdit() {
    client.addNote(new Note.Version("empty", null));
    Batch b = client.nextBatch().orElseThrow();
    assertThat(b.operations()).containsExactly(TextOperation.identity(0));
    assertThat(b.carriesOnlyNotes()).isTrue();
    assertThat(client.unacknowledgedCount()).isZero();
    assertThat(client.isSynchronised()).isFalse();
    client.acknowledge(b.batchSeq(), 1, "alice", 5);
    assertThat(client.isSynchronised()).isTrue();
  }

  @Test
  void notesWaitForTheBatchThatEmptiesTheQueue_theirAnchorsMovingWithLaterEdits() {
    for (int i = 0; i < 12; i++) {
      client.localEdit(TextOperation.splice(i, i, 0, "x"));
    }
    client.addNote(new Note.Comment("c", 2, 4, "here"));
    client.localEdit(TextOperation.splice(12, 0, 0, ">>")); // before the anchor: it moves
    Batch first = client.nextBatch().orElseThrow();
    assertThat(first.notes()).isEmpty(); // 10 of 13 operations: the queue is not empty yet
    client.acknowledge(first.batchSeq(), 1, "alice", 5);
    Batch second = client.nextBatch().orElseThrow();
    assertThat(second.size()).isEqualTo(3);
    assertThat(second.notes()).containsExactly(new Note.Comment("c", 4, 6, "here"));
  }

  @Test
  void moreNotesThanABatchHolds_goInSeveralBatches() {
    for (int i = 0; i < NoteCodec.MAX_NOTES + 50; i++) {
      client.addNote(new Note.Resolve("c" + i, true));
    }
    Batch first = client.nextBatch().orElseThrow();
    assertThat(first.notes()).hasSize(NoteCodec.MAX_NOTES);
    client.acknowledge(first.batchSeq(), 1, "alice", 5);
    Batch second = client.nextBatch().orElseThrow();
    assertThat(second.notes()).hasSize(50).first().isEqualTo(new Note.Resolve("c100", true));
    client.acknowledge(second.batchSeq(), 2, "alice", 6);
    assertThat(client.nextBatch()).isEmpty();
  }

  @Test
  void notesThatDoNotFitBesideTheOperations_goAloneNext() {
    client.localEdit(TextOperation.splice(0, 0, 0, "abc"));
    client.addNote(new Note.Version("a", null));
    client.addNote(new Note.Version("b", null));
    Batch first = client.nextBatch(0).orElseThrow();
    assertThat(first.notes()).isEmpty();
    client.acknowledge(first.batchSeq(), 1, "alice", 5);
    Batch second = client.nextBatch(0).orElseThrow(); // alone, it carries one at least
    assertThat(second.carriesOnlyNotes()).isTrue();
    assertThat(second.notes()).containsExactly(new Note.Version("a", null));
    client.acknowledge(second.batchSeq(), 2, "alice", 6);
    assertThat(client.nextBatch(5).orElseThrow().notes())
        .containsExactly(new Note.Version("b", null));
  }

  @Test
  void aCommentBeyondTheLocalText_isRefused() {
    client.localEdit(TextOperation.splice(0, 0, 0, "abc"));
    assertThatThrownBy(() -> client.addNote(new Note.Comment("c", 1, 4, "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside a text of 3 code points");
    assertThat(client.pendingNotes()).isEqualTo(List.of());
  }
}
