package dev.quire.ot.note;

import java.util.List;
import java.util.Objects;

/**
 * A comment as every replica sees it at some revision: where it is, what it says, its replies.
 *
 * @param revision the last revision of the batch that added it
 * @param madeAtMillis when its author made it, by their clock
 * @param anchor the text it is about, at the revision the state is at
 */
public record CommentThread(
    String id,
    String author,
    long revision,
    long madeAtMillis,
    Anchor anchor,
    String text,
    boolean resolved,
    List<Reply> replies) {

  public CommentThread {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(author, "author == null");
    Objects.requireNonNull(anchor, "anchor == null");
    Objects.requireNonNull(text, "text == null");
    replies = List.copyOf(replies);
  }

  /** A reply in a thread. */
  public record Reply(String id, String author, long revision, long madeAtMillis, String text) {
    public Reply {
      Objects.requireNonNull(id, "id == null");
      Objects.requireNonNull(author, "author == null");
      Objects.requireNonNull(text, "text == null");
    }
  }

  CommentThread withAnchor(Anchor a) {
    return new CommentThread(id, author, revision, madeAtMillis, a, text, resolved, replies);
  }

  CommentThread withText(String t) {
    return new CommentThread(id, author, revision, madeAtMillis, anchor, t, resolved, replies);
  }

  CommentThread withResolved(boolean r) {
    return new CommentThread(id, author, revision, madeAtMillis, anchor, text, r, replies);
  }

  CommentThread withReplies(List<Reply> r) {
    return new CommentThread(id, author, revision, madeAtMillis, anchor, text, resolved, r);
  }
}
