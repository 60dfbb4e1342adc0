package dev.quire.editor.history;

import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.Component;
import dev.quire.ot.text.GapBuffer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A document's history as one self-contained HTML page (no scripts, no links out): a timeline of
 * sessions, each one author's consecutive revisions with less than {@link #SESSION_GAP_MILLIS}
 * between them, showing when, who, which revisions, and the text inserted and deleted, keystrokes
 * typed in a row shown as one change, and what the batches' notes did (comments, replies, resolves,
 * named versions and their removal) at their revision. Written as the revisions stream by.
 */
public final class HtmlTimeline {
  /** Revisions of one author further apart than this start a new session. */
  static final long SESSION_GAP_MILLIS = 5 * 60_000;

  /** A session shows at most this many changes; the rest are counted. */
  static final int CHANGES_SHOWN = 12;

  /** A session shows at most this many revisions' notes; the rest are counted. */
  public static final int NOTES_SHOWN = 20;

  /** A change's text is cut to this many code points. */
  static final int TEXT_SHOWN = 400;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /**
   * How a person is shown: their chosen name and colour ({@code #rrggbb}), as the editor shows
   * them.
   */
  public record Author(String name, String colour) {}

  private final Writer out;
  private final Function<String, Author> people;
  private final GapBuffer text = new GapBuffer("");
  private Session session;
  private long revisions;
  private int sessions;

  /** What a session shows, in revision order: changes to the text and notes. */
  private sealed interface Item permits Change, Notes {}

  /** One change: at a position, text deleted and text inserted. */
  private static final class Change implements Item {
    int position;
    final StringBuilder deleted = new StringBuilder();
    final StringBuilder inserted = new StringBuilder();
    int insertedLength;

    Change(int position) {
      this.position = position;
    }
  }

  /** What one revision's notes did, in words. */
  private record Notes(long revision, String description) implements Item {}

  private static final class Session {
    final String author;
    final long firstRevision;
    final long firstMillis;
    long lastRevision;
    long lastMillis;
    int insertedTotal;
    int deletedTotal;
    final List<Item> items = new ArrayList<>();
    int changesShown;
    int changesHidden;
    int notesShown;
    int notesHidden;

    Session(Revision r) {
      author = r.author();
      firstRevision = r.revision();
      firstMillis = r.timestampMillis();
    }
  }

  public HtmlTimeline(OutputStream stream, String documentId, String title) {
    this(stream, documentId, title, user -> null);
  }

  /**
   * @param people how each user (login) is shown, or null for one the profile never saw: shown by
   *     login in a colour of its own
   */
  public HtmlTimeline(
      OutputStream stream, String documentId, String title, Function<String, Author> people) {
    this.people = people;
    out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    write(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
            + escape(title)
            + " \u2014 history</title>\n<style>\n"
            + "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;"
            + "color:#1d1d1f;background:#fbfbfa}\n"
            + "h1{font-size:1.6em;margin-bottom:.2em}.sub{color:#666;margin-top:0}\n"
            + "ol.timeline{list-style:none;padding:0;border-left:3px solid #ddd;margin-left:.5em}\n"
            + "li.session{margin:0 0 1.2em 0;padding-left:1em;position:relative}\n"
            + "li.session::before{content:'';position:absolute;left:-.55em;top:.35em;width:.7em;"
            + "height:.7em;border-radius:50%;background:var(--c)}\n"
            + ".meta{color:#555}.author{font-weight:600;color:var(--c)}\n"
            + ".revs{font-family:ui-monospace,monospace;font-size:.9em;color:#777}\n"
            + ".change{font-family:ui-monospace,monospace;font-size:.9em;white-space:pre-wrap;"
            + "word-break:break-all;margin:.25em 0;padding:.2em .5em;background:#fff;"
            + "border:1px solid #e4e4e4;border-radius:4px}\n"
            + ".at{color:#888;margin-right:.6em}ins{background:#d7f5dd;text-decoration:none}\n"
            + "del{background:#fbd9d9;color:#8a1f1f}.more{color:#777;font-style:italic}\n"
            + ".note{margin:.25em 0;padding:.2em .5em;border-left:3px solid var(--c);"
            + "background:#f4f4f2;white-space:pre-wrap;word-break:break-word}\n"
            + "footer{color:#666;margin-top:2em;border-top:1px solid #ddd;padding-top:.5em}\n"
            + "</style></head><body>\n<h1>"
            + escape(title)
            + "</h1>\n<p class=\"sub\">History of document <code>"
            + escape(documentId)
            + "</code>, newest last. Green text was inserted, red text deleted; comments, replies and named"
            + " versions show at their revision (r<i>N</i>).</p>\n"
            + "<ol class=\"timeline\">\n");
  }

  /** The next revision, in order. */
  public void revision(Revision r) {
    if (session != null
        && (!session.author.equals(r.author())
            || r.timestampMillis() - session.lastMillis > SESSION_GAP_MILLIS)) {
      flush();
    }
    if (session == null) {
      session = new Session(r);
    }
    session.lastRevision = r.revision();
    session.lastMillis = r.timestampMillis();
    int pos = 0;
    int shift = 0; // how much earlier changes of this operation moved later positions
    for (Component c : r.operation().components()) {
      if (c instanceof Component.Retain ret) {
        pos += ret.count();
      } else if (c instanceof Component.Insert ins) {
        change(pos + shift).append(ins.text(), ins.length());
        session.insertedTotal += ins.length();
        shift += ins.length();
      } else {
        change(pos + shift).delete(text.substring(pos, pos + c.length()), c.length());
        session.deletedTotal += c.length();
        shift -= c.length();
        pos += c.length();
      }
    }
    text.apply(r.operation());
    if (!r.notes().isEmpty()) {
      if (session.notesShown < NOTES_SHOWN) {
        session.items.add(new Notes(r.revision(), NotesDescription.of(r.notes())));
        session.notesShown++;
      } else {
        session.notesHidden++;
      }
    }
    revisions++;
  }

  /**
   * A change at {@code position} (in the text after the changes before it): the last one, if it
   * continues there, else a new one.
   */
  private ChangeEdit change(int position) {
    List<Item> list = session.items;
    // Notes between two changes keep them apart: each shows at its place in the session.
    Change last = list.isEmpty() ? null : list.get(list.size() - 1) instanceof Change c ? c : null;
    return new ChangeEdit(last, position);
  }

  /** Adds an insert or a delete to the session's changes, joining keystrokes typed in a row. */
  private final class ChangeEdit {
    private final Change last;
    private final int position;

    ChangeEdit(Change last, int position) {
      this.last = last;
      this.position = position;
    }

    void append(String inserted, int length) {
      Change c =
          last != null && last.position + last.insertedLength == position ? last : start(position);
      if (c == null) {
        return;
      }
      if (c.insertedLength < TEXT_SHOWN) {
        c.inserted.append(inserted);
      }
      c.insertedLength += length;
    }

    void delete(String deleted, int length) {
      // A backspace over text just typed in this change takes it back out.
      if (last != null
          && last.insertedLength >= length
          && last.position + last.insertedLength == position + length
          && last.inserted.length() == last.inserted.codePointCount(0, last.inserted.length())
          && last.insertedLength == last.inserted.length()) {
        last.inserted.setLength(last.inserted.length() - length);
        last.insertedLength -= length;
        return;
      }
      boolean deleting = last != null && last.insertedLength == 0;
      if (deleting && last.position == position + length) { // backspace after backspace
        last.position = position;
        if (last.deleted.length() < TEXT_SHOWN) {
          last.deleted.insert(0, deleted);
        }
        return;
      }
      Change c = deleting && last.position == position ? last : start(position); // Delete key
      if (c != null && c.deleted.length() < TEXT_SHOWN) {
        c.deleted.append(deleted);
      }
    }

    private Change start(int at) {
      if (session.changesShown >= CHANGES_SHOWN) {
        session.changesHidden++;
        return null;
      }
      Change c = new Change(at);
      session.items.add(c);
      session.changesShown++;
      return c;
    }
  }

  private void flush() {
    Session s = session;
    session = null;
    sessions++;
    StringBuilder b = new StringBuilder(512);
    Author shown = people.apply(s.author);
    String name = escape(shown != null ? shown.name() : s.author);
    b.append("<li class=\"session\" style=\"--c:")
        .append(shown != null ? shown.colour() : colour(s.author))
        .append("\">")
        .append("<div class=\"meta\"><time datetime=\"")
        .append(Instant.ofEpochMilli(s.firstMillis))
        .append("\">")
        .append(TIME.format(Instant.ofEpochMilli(s.firstMillis)))
        .append("</time> \u00b7 <span class=\"author\" title=\"")
        .append(escape(s.author))
        .append("\">")
        .append(name)
        .append("</span> \u00b7 <span class=\"revs\">")
        .append(
            s.firstRevision == s.lastRevision
                ? "revision " + s.firstRevision
                : "revisions " + s.firstRevision + "\u2013" + s.lastRevision)
        .append(", +")
        .append(s.insertedTotal)
        .append(" \u2212")
        .append(s.deletedTotal)
        .append("</span></div>\n");
    for (Item item : s.items) {
      if (item instanceof Notes n) {
        b.append("<div class=\"note\"><span class=\"at\">r")
            .append(n.revision())
            .append("</span><span class=\"author\">")
            .append(name)
            .append("</span> ")
            .append(escape(n.description()))
            .append("</div>\n");
        continue;
      }
      Change c = (Change) item;
      if (c.inserted.length() == 0 && c.deleted.length() == 0) {
        continue;
      }
      b.append("<div class=\"change\"><span class=\"at\">@").append(c.position).append("</span>");
      if (c.deleted.length() > 0) {
        b.append("<del>").append(escape(cut(c.deleted.toString()))).append("</del>");
      }
      if (c.inserted.length() > 0) {
        b.append("<ins>").append(escape(cut(c.inserted.toString()))).append("</ins>");
      }
      b.append("</div>\n");
    }
    if (s.changesHidden > 0) {
      b.append("<div class=\"more\">and ")
          .append(s.changesHidden)
          .append(" more change(s)</div>\n");
    }
    if (s.notesHidden > 0) {
      b.append("<div class=\"more\">and ")
          .append(s.notesHidden)
          .append(" more revision(s) with notes</div>\n");
    }
    write(b.append("</li>\n").toString());
  }

  /** Ends the page and flushes it; the stream stays open. */
  public void finish() {
    if (session != null) {
      flush();
    }
    write(
        "</ol>\n<footer>"
            + revisions
            + " revision(s) in "
            + sessions
            + " session(s); the text now has "
            + text.length()
            + " character(s). Written by Quire.</footer>\n</body></html>\n");
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String cut(String s) {
    int n = CodePoints.count(s);
    return n <= TEXT_SHOWN ? s : CodePoints.prefix(s, TEXT_SHOWN) + "\u2026";
  }

  /** A stable colour per author, readable on white. */
  static String colour(String author) {
    int hue = Math.floorMod(author.hashCode() * 47, 360);
    return "hsl(" + hue + ",65%,38%)";
  }

  /** Text as HTML: the five special characters escaped, control characters shown as U+XXXX. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        case '\n', '\t' -> b.append(c);
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format(Locale.ROOT, "\u2039U+%04X\u203a", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private void write(String s) {
    try {
      out.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
