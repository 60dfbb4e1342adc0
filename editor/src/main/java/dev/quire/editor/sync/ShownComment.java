package dev.quire.editor.sync;

import dev.quire.ot.note.Anchor;
import dev.quire.ot.note.CommentThread;
import dev.quire.ot.note.Note;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A comment as the editor shows it: its anchor in the local text, and whether the relay has it yet.
 *
 * @param author who wrote it; null for this user's comment not yet acknowledged
 * @param sent false while it waits to be acknowledged (it has no replies yet then)
 */
public record ShownComment(
    String id,
    @Nullable String author,
    String text,
    Anchor anchor,
    boolean resolved,
    List<CommentThread.Reply> replies,
    boolean sent) {

  public ShownComment {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(anchor, "anchor == null");
    replies = List.copyOf(replies);
  }

  static ShownComment of(CommentThread t, Anchor local) {
    return new ShownComment(t.id(), t.author(), t.text(), local, t.resolved(), t.replies(), true);
  }

  static ShownComment unsent(Note.Comment c, Anchor local) {
    return new ShownComment(c.id(), null, c.text(), local, false, List.of(), false);
  }
}
