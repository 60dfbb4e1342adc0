package dev.quire.editor.store;

import dev.quire.ot.note.DocumentNotes;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.SequencedBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A document's comments and named versions rebuilt from its log in the profile: every batch from
 * the base of the first one with notes, in order, through {@link DocumentNotes}, exactly as they
 * were taken when they arrived. Documents without notes read nothing.
 */
final class NotesReplay {
  private NotesReplay() {}

  static DocumentNotes notes(Connection c, String doc, long head) throws SQLException {
    DocumentNotes notes = new DocumentNotes();
    OptionalLong base = LogBlocks.firstNotesBase(c, doc);
    if (base.isEmpty()) {
      return notes;
    }
    long from = base.getAsLong() + 1;
    replay(notes, LogBlocks.revisions(c, doc, from, head), from);
    return notes;
  }

  /** Takes {@code revisions} (from revision {@code from} on, whole batches but maybe the first). */
  static void replay(DocumentNotes notes, List<Revision> revisions, long from) {
    List<TextOperation> canonicalSoFar = new ArrayList<>(revisions.size());
    int i = 0;
    while (i < revisions.size()) {
      Revision first = revisions.get(i);
      int end = i;
      while (end < revisions.size() && revisions.get(end).batchFirst() == first.batchFirst()) {
        end++;
      }
      List<Revision> batch = revisions.subList(i, end);
      List<TextOperation> canonical = batch.stream().map(Revision::operation).toList();
      List<TextOperation> originals = batch.stream().map(Revision::original).toList();
      Revision last = batch.get(batch.size() - 1);
      List<TextOperation> concurrent = List.of();
      if (!last.notes().isEmpty() && first.baseRevision() + 1 >= from) {
        concurrent =
            canonicalSoFar.subList(
                (int) (first.baseRevision() + 1 - from), (int) (first.revision() - from));
      }
      Batch b =
          new Batch(
              first.clientId(), first.batchSeq(), first.baseRevision(), originals, last.notes());
      notes.append(
          new SequencedBatch(
              first.revision(), first.author(), first.timestampMillis(), first.madeAtMillis(), b),
          canonical,
          concurrent);
      canonicalSoFar.addAll(canonical);
      i = end;
    }
  }

  /**
   * Pending notes with every comment's anchor cut to the local text (a crash may leave one out).
   */
  static List<Note> fitted(List<Note> pending, int localLength) {
    List<Note> out = new ArrayList<>(pending.size());
    for (Note n : pending) {
      if (n instanceof Note.Comment c && c.to() > localLength) {
        int from = Math.min(c.from(), localLength);
        out.add(new Note.Comment(c.id(), from, localLength, c.text()));
      } else {
        out.add(n);
      }
    }
    return out;
  }
}
