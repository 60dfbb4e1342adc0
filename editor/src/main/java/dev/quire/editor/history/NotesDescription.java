package dev.quire.editor.history;

import dev.quire.ot.note.Note;
import java.util.ArrayList;
import java.util.List;

/**
 * What a revision's notes did, in words for the history window and the HTML timeline: "commented
 * “Is this right?”; named version “sent to the client”". A batch that only carries notes changes no
 * text, so this is all there is to say about its revision.
 */
public final class NotesDescription {
  /** Texts longer than this are cut, with an ellipsis. */
  static final int MAX_QUOTE = 60;

  private NotesDescription() {}

  /** The notes' actions, in order, joined by "; "; empty for none. */
  public static String of(List<Note> notes) {
    List<String> parts = new ArrayList<>(notes.size());
    for (Note n : notes) {
      parts.add(action(n));
    }
    return String.join("; ", parts);
  }

  private static String action(Note n) {
    if (n instanceof Note.Comment c) {
      return "commented " + quote(c.text());
    } else if (n instanceof Note.Reply r) {
      return "replied to a comment: " + quote(r.text());
    } else if (n instanceof Note.Resolve r) {
      return r.resolved() ? "resolved a comment" : "reopened a comment";
    } else if (n instanceof Note.Edit e) {
      return "edited a comment: " + quote(e.text());
    } else if (n instanceof Note.Delete) {
      return "deleted a comment";
    } else if (n instanceof Note.Version v) {
      return v.revision() == null
          ? "named version " + quote(v.name())
          : String.format("named revision %,d %s", v.revision(), quote(v.name()));
    } else if (n instanceof Note.RemoveVersion r) {
      return String.format("removed the name %s of revision %,d", quote(r.name()), r.revision());
    }
    throw new IllegalArgumentException("not a note kind the history knows: " + n.kind());
  }

  /** {@code text} in quotes on one line, cut to {@link #MAX_QUOTE} code points. */
  static String quote(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    if (line.codePointCount(0, line.length()) > MAX_QUOTE) {
      line = line.substring(0, line.offsetByCodePoints(0, MAX_QUOTE - 1)) + "…";
    }
    return "“" + line + "”";
  }
}
