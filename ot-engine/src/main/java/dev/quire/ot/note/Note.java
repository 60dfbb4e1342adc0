package dev.quire.ot.note;

import dev.quire.ot.protocol.Ids;
import org.jspecify.annotations.Nullable;

/**
 * One change to a document's comments or named versions, carried in a batch and sequenced with it.
 * Every replica applies the notes of each batch in order ({@link DocumentNotes}); values are
 * checked for shape and size when built, and against the document's state when applied.
 */
public sealed interface Note {
  /** The longest comment or reply text, in UTF-16 units. */
  int MAX_TEXT = 10_000;

  /** The longest version name, in UTF-16 units. */
  int MAX_NAME = 200;

  /** The longest comment or reply id, in UTF-16 units. */
  int MAX_ID = 64;

  /** The note's {@code kind} on the wire. */
  String kind();

  /**
   * A comment on the text {@code [from, to)}: code-point offsets in the text its author saw once
   * the batch's own operations were applied. A comment with {@code from == to} marks a point.
   */
  record Comment(String id, int from, int to, String text) implements Note {
    public Comment {
      Ids.requireText("comment id", id, MAX_ID);
      Ids.requireText("comment text", text, MAX_TEXT);
      if (from < 0 || to < from) {
        throw new IllegalArgumentException(
            "comment anchor [" + from + ", " + to + ") is not a range of the text");
      }
    }

    @Override
    public String kind() {
      return "comment";
    }
  }

  /** A reply {@code id} to the comment {@code comment}. */
  record Reply(String id, String comment, String text) implements Note {
    public Reply {
      Ids.requireText("reply id", id, MAX_ID);
      Ids.requireText("comment id", comment, MAX_ID);
      Ids.requireText("reply text", text, MAX_TEXT);
    }

    @Override
    public String kind() {
      return "reply";
    }
  }

  /** Marks the comment {@code comment} resolved ({@code resolved}) or open again. */
  record Resolve(String comment, boolean resolved) implements Note {
    public Resolve {
      Ids.requireText("comment id", comment, MAX_ID);
    }

    @Override
    public String kind() {
      return resolved ? "resolve" : "reopen";
    }
  }

  /** New text for the comment or reply {@code id}; only its author's edit counts. */
  record Edit(String id, String text) implements Note {
    public Edit {
      Ids.requireText("comment or reply id", id, MAX_ID);
      Ids.requireText("comment or reply text", text, MAX_TEXT);
    }

    @Override
    public String kind() {
      return "edit";
    }
  }

  /**
   * Deletes the comment (with its replies) or reply {@code id}; only its author's delete counts.
   */
  record Delete(String id) implements Note {
    public Delete {
      Ids.requireText("comment or reply id", id, MAX_ID);
    }

    @Override
    public String kind() {
      return "delete";
    }
  }

  /**
   * Names a revision: {@code revision} when given (one the author had seen: at most the batch's
   * base revision), else the batch's own last revision.
   */
  record Version(String name, @Nullable Long revision) implements Note {
    public Version {
      Ids.requireText("version name", name, MAX_NAME);
      if (revision != null && revision < 0) {
        throw new IllegalArgumentException("version revision must not be negative: " + revision);
      }
    }

    @Override
    public String kind() {
      return "version";
    }
  }

  /**
   * Removes the name {@code name} of revision {@code revision} (protocol 6); counts only for the
   * names its sender gave, as a comment's delete counts only from its author.
   */
  record RemoveVersion(String name, long revision) implements Note {
    public RemoveVersion {
      Ids.requireText("version name", name, MAX_NAME);
      if (revision < 0) {
        throw new IllegalArgumentException("version revision must not be negative: " + revision);
      }
    }

    @Override
    public String kind() {
      return "removeVersion";
    }
  }
}
