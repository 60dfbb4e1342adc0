package dev.quire.ot.note;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.operation.TransformedPair;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.CanonicalLog;
import dev.quire.ot.sync.SequencedBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A document's comments and named versions at its log's head, derived from the log alone: every
 * replica that takes the same sequenced batches holds the same state.
 *
 * <p>For each batch, in log order ({@link #append}): every anchor moves through the batch's
 * canonical operations ({@link Anchor#transform}); then the batch's notes apply in order. A new
 * comment's anchor is in the text its author saw after the batch's own operations; it is moved into
 * the log's text through the revisions that were concurrent with the batch, transformed past the
 * batch's operations (the other half of the transform that canonicalised the batch). A note that
 * does not fit the state is ignored, the same way by every replica: an anchor beyond its author's
 * text, an id already used, a reply to or resolve of an unknown comment, an edit or delete by
 * anyone but the author, a version of a revision the author had not seen, the removal of a name by
 * anyone but the one who gave it.
 *
 * <p>Not thread-safe: one owner drives it, as a {@code ClientSync}.
 */
public final class DocumentNotes {
  private final Map<String, CommentThread> comments = new LinkedHashMap<>();
  private final Map<String, String> replyThread = new HashMap<>(); // reply id -> comment id
  private final Set<String> usedIds = new HashSet<>();
  private final List<NamedVersion> versions = new ArrayList<>();
  private long revision;

  /**
   * The state a snapshot kept ({@link #revision}, {@link #comments}, {@link #usedIds}, {@link
   * #versions}): taking the batches after {@code revision} from it gives the state a replay of the
   * whole log gives.
   */
  public static DocumentNotes restore(
      long revision,
      List<CommentThread> comments,
      Set<String> usedIds,
      List<NamedVersion> versions) {
    DocumentNotes n = new DocumentNotes();
    n.revision = revision;
    for (CommentThread c : comments) {
      n.comments.put(c.id(), c);
      c.replies().forEach(r -> n.replyThread.put(r.id(), c.id()));
    }
    n.usedIds.addAll(usedIds);
    n.versions.addAll(versions);
    return n;
  }

  /** Every comment and reply id used so far, deleted ones too (none may be used again). */
  public Set<String> usedIds() {
    return Set.copyOf(usedIds);
  }

  /** The revision the state is at: the last batch taken. */
  public long revision() {
    return revision;
  }

  /** The comments, oldest first, deleted ones left out. */
  public List<CommentThread> comments() {
    return List.copyOf(comments.values());
  }

  /** The comment {@code id}, or null. */
  public @Nullable CommentThread comment(String id) {
    return comments.get(id);
  }

  /** The named versions, in the order they were named. */
  public List<NamedVersion> versions() {
    return List.copyOf(versions);
  }

  /**
   * Takes a batch about to be appended to {@code log}: {@code sequenced} follows the log's head,
   * and {@code canonical} are its canonical operations. Call it before appending the batch to the
   * log, which must still hold the revisions since the batch's base.
   */
  public void append(CanonicalLog log, SequencedBatch sequenced, List<TextOperation> canonical) {
    List<TextOperation> concurrent = List.of();
    Batch batch = sequenced.batch();
    if (batch.notes().stream().anyMatch(n -> n instanceof Note.Comment)) {
      concurrent = new ArrayList<>();
      for (long r = batch.baseRevision() + 1; r <= log.head(); r++) {
        concurrent.add(log.operation(r));
      }
    }
    append(sequenced, canonical, concurrent);
  }

  /**
   * As {@link #append(CanonicalLog, SequencedBatch, List)}, given the canonical operations of the
   * revisions after the batch's base and before its first revision (only read when the batch adds
   * comments).
   */
  public void append(
      SequencedBatch sequenced, List<TextOperation> canonical, List<TextOperation> concurrent) {
    if (!comments.isEmpty()) {
      for (TextOperation op : canonical) {
        comments.replaceAll((id, c) -> c.withAnchor(c.anchor().transform(op)));
      }
    }
    revision = sequenced.lastRevision();
    List<Note> notes = sequenced.batch().notes();
    if (notes.isEmpty()) {
      return;
    }
    List<TextOperation> after = null; // the concurrent operations, past the batch's own
    for (Note note : notes) {
      if (note instanceof Note.Comment c) {
        if (after == null) {
          after = concurrentAfter(sequenced.batch().operations(), concurrent);
        }
        addComment(sequenced, c, after);
      } else {
        apply(sequenced, note);
      }
    }
  }

  private void addComment(SequencedBatch s, Note.Comment c, List<TextOperation> after) {
    List<TextOperation> ops = s.batch().operations();
    int authorLength = ops.get(ops.size() - 1).targetLength();
    if (c.to() > authorLength || !usedIds.add(c.id())) {
      return;
    }
    Anchor anchor = new Anchor(c.from(), c.to());
    for (TextOperation op : after) {
      anchor = anchor.transform(op);
    }
    comments.put(
        c.id(),
        new CommentThread(
            c.id(), s.author(), revision, s.madeAtMillis(), anchor, c.text(), false, List.of()));
  }

  private void apply(SequencedBatch s, Note note) {
    if (note instanceof Note.Reply r) {
      CommentThread thread = comments.get(r.comment());
      if (thread != null && usedIds.add(r.id())) {
        List<CommentThread.Reply> replies = new ArrayList<>(thread.replies());
        replies.add(
            new CommentThread.Reply(r.id(), s.author(), revision, s.madeAtMillis(), r.text()));
        comments.put(thread.id(), thread.withReplies(replies));
        replyThread.put(r.id(), thread.id());
      }
    } else if (note instanceof Note.Resolve r) {
      comments.computeIfPresent(r.comment(), (id, c) -> c.withResolved(r.resolved()));
    } else if (note instanceof Note.Edit e) {
      edit(s.author(), e.id(), e.text());
    } else if (note instanceof Note.Delete d) {
      edit(s.author(), d.id(), null);
    } else if (note instanceof Note.Version v) {
      Long named = v.revision();
      if (named == null) {
        versions.add(new NamedVersion(v.name(), revision, s.author(), s.madeAtMillis(), revision));
      } else if (named <= s.batch().baseRevision()) { // a revision its author had seen
        versions.add(new NamedVersion(v.name(), named, s.author(), s.madeAtMillis(), revision));
      }
    } else if (note instanceof Note.RemoveVersion r) {
      versions.removeIf(
          v ->
              v.name().equals(r.name())
                  && v.revision() == r.revision()
                  && v.author().equals(s.author()));
    }
  }

  /** Replaces the text of {@code author}'s comment or reply {@code id}, or deletes it (null). */
  private void edit(String author, String id, @Nullable String text) {
    CommentThread thread = comments.get(id);
    if (thread != null) {
      if (thread.author().equals(author)) {
        if (text == null) {
          comments.remove(id);
          thread.replies().forEach(r -> replyThread.remove(r.id()));
        } else {
          comments.put(id, thread.withText(text));
        }
      }
      return;
    }
    String threadId = replyThread.get(id);
    if (threadId == null) {
      return;
    }
    CommentThread owner = comments.get(threadId);
    if (owner == null) {
      return;
    }
    List<CommentThread.Reply> replies = new ArrayList<>();
    for (CommentThread.Reply r : owner.replies()) {
      if (!r.id().equals(id) || !r.author().equals(author)) {
        replies.add(r);
      } else if (text != null) {
        replies.add(
            new CommentThread.Reply(r.id(), r.author(), r.revision(), r.madeAtMillis(), text));
      } else {
        replyThread.remove(id);
      }
    }
    comments.put(threadId, owner.withReplies(replies));
  }

  /**
   * The concurrent operations transformed past the batch's operations, pair by pair as the
   * canonicaliser does: they turn the author's text after the batch into the log's.
   */
  public static List<TextOperation> concurrentAfter(
      List<TextOperation> batchOps, List<TextOperation> concurrent) {
    List<TextOperation> c = new ArrayList<>(concurrent);
    for (TextOperation x : batchOps) {
      for (int j = 0; j < c.size(); j++) {
        TransformedPair pair = TextOperation.transform(x, c.get(j));
        x = pair.aPrime();
        c.set(j, pair.bPrime());
      }
    }
    return c;
  }
}
