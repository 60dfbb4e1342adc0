/**
 * Comments anchored to text and named versions: the {@link dev.quire.ot.note.Note}s a batch
 * carries, their JSON form ({@link dev.quire.ot.note.NoteCodec}), how an anchor moves through an
 * operation ({@link dev.quire.ot.note.Anchor}), and the state every replica derives from the log
 * ({@link dev.quire.ot.note.DocumentNotes}).
 */
@NullMarked
package dev.quire.ot.note;

import org.jspecify.annotations.NullMarked;
