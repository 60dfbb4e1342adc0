package dev.quire.ot.sync;

import dev.quire.ot.note.Anchor;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client's notes not yet sent, comments' anchors kept in the local text: each local edit and each
 * remote operation applied to the local text moves them ({@link Anchor#transform}).
 */
final class PendingNotes {
  private final List<Note> notes = new ArrayList<>();

  void add(Note note, int localLength) {
    Objects.requireNonNull(note, "note == null");
    if (note instanceof Note.Comment c && c.to() > localLength) {
      throw new IllegalArgumentException(
          "comment anchor ["
              + c.from()
              + ", "
              + c.to()
              + ") is outside a text of "
              + localLength
              + " code points");
    }
    notes.add(note);
  }

  void addAll(List<Note> restored) {
    notes.addAll(restored);
  }

  /** Refuses restored notes whose anchors do not fit the restored local text. */
  void requireFit(int localLength) {
    for (Note n : notes) {
      if (n instanceof Note.Comment c && c.to() > localLength) {
        throw new IllegalStateException(
            "restored comment " + c.id() + " reaches beyond the local text of " + localLength);
      }
    }
  }

  void transform(TextOperation op) {
    for (int i = 0; i < notes.size(); i++) {
      if (notes.get(i) instanceof Note.Comment c) {
        Anchor a = new Anchor(c.from(), c.to()).transform(op);
        if (a.from() != c.from() || a.to() != c.to()) {
          notes.set(i, new Note.Comment(c.id(), a.from(), a.to(), c.text()));
        }
      }
    }
  }

  boolean isEmpty() {
    return notes.isEmpty();
  }

  List<Note> list() {
    return List.copyOf(notes);
  }

  /** The first {@code n} notes (all when fewer). */
  List<Note> first(int n) {
    return List.copyOf(notes.subList(0, Math.min(n, notes.size())));
  }

  /** Removes the first {@code n} notes: they were sent. */
  void removeFirst(int n) {
    notes.subList(0, n).clear();
  }
}
