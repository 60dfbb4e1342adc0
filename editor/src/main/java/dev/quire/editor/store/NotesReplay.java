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
 * A document's comments and named versions rebuilt from its log in the profile, exactly as they
 * were taken when they arrived: from its notes snapshot ({@link NotesSnapshot}) when it has one,
 * through the batches after it, else through every batch from the base of the first one with notes.
 * Documents without notes read nothing.
 */
final class NotesReplay {
  private NotesReplay() {}

  /**
   * The notes at {@code head}, and how many revisions of the log were read to rebuild them.
   *
   * @param revisionsRead revisions read from the log (0 when the snapshot is at the head)
   */
  record Replayed(DocumentNotes notes, long revisionsRead) {}

  static Replayed notes(Connection c, String doc, long head) throws SQLException {
    OptionalLong base = LogBlocks.firstNotesBase(c, doc);
    if (base.isEmpty()) {
      return new Replayed(new DocumentNotes(), 0);
    }
    DocumentNotes notes = NotesSnapshot.read(c, doc, head).orElse(null);
    long after; // batches up to this revision are in the state already
    long from;
    if (notes == null) {
      notes = new DocumentNotes();
      after = 0;
      from = base.getAsLong() + 1;
    } else {
      after = notes.revision();
      // A comment after the snapshot is placed through the revisions concurrent with its batch,
      // which may come before the snapshot: those are read too, for their operations only.
      OptionalLong later = LogBlocks.firstNotesBaseAfter(c, doc, after);
      from = Math.min(after + 1, later.isPresent() ? later.getAsLong() + 1 : after + 1);
    }
    if (from > head) {
      return new Replayed(notes, 0);
    }
    List<Revision> revisions = LogBlocks.revisions(c, doc, from, head);
    replay(notes, revisions, from, after);
    return new Replayed(notes, revisions.size());
  }

  /** Takes {@code revisions} (from revision {@code from} on, whole batches but maybe the first). */
  static void replay(DocumentNotes notes, List<Revision> revisions, long from) {
    replay(notes, revisions, from, 0);
  }

  /**
   * As {@link #replay(DocumentNotes, List, long)}, taking only the batches after revision {@code
   * after} (those before it are read for their operations).
   */
  private static void replay(DocumentNotes notes, List<Revision> revisions, long from, long after) {
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
      Revision last = batch.get(batch.size() - 1);
      if (last.revision() > after) {
        take(notes, batch, canonical, canonicalSoFar, from);
      }
      canonicalSoFar.addAll(canonical);
      i = end;
    }
  }

  private static void take(
      DocumentNotes notes,
      List<Revision> batch,
      List<TextOperation> canonical,
      List<TextOperation> canonicalSoFar,
      long from) {
    Revision first = batch.get(0);
    Revision last = batch.get(batch.size() - 1);
    List<TextOperation> originals = batch.stream().map(Revision::original).toList();
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
