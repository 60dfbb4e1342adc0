package dev.quire.editor.history;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A short two-author history, typed keystroke by keystroke, with comments, a reply, a resolve and
 * named versions, for the timeline's screenshots.
 */
final class TimelineSample {
  static final long START = 1_796_022_000_000L; // 2026-11-30 07:00 UTC

  /** Alice's comment: markup that must show as text, never run. */
  static final String COMMENT = "Too early? <script>document.title='run'</script>";

  private final List<Revision> revisions = new ArrayList<>();
  private long firstDraft;
  private final GapBuffer text = new GapBuffer();
  private long time = START;
  private long batch;

  private TimelineSample() {}

  /** Writes document {@code doc} into {@code store}. */
  static void write(LocalStore store, String doc) throws Exception {
    TimelineSample s = new TimelineSample();
    s.type("alice", 0, "# Trip to Lisbon\n\nWe leave on Fridy.");
    s.backspace("alice", 6);
    s.type("alice", s.text.length(), "Friday morning.\n");
    s.note("alice", new Note.Version("first draft", null));
    s.pause(47);
    s.type("bob", s.text.length(), "\nBring: passports, the camera \ud83d\udcf7, sunscreen.\n");
    s.pause(3);
    int at = s.text.toString().indexOf("Friday") + 7;
    s.type("alice", at, "7:40 ");
    s.note("alice", new Note.Comment("c1", at, at + 4, COMMENT));
    s.pause(180);
    String t = s.text.toString();
    String camera = " the camera \ud83d\udcf7,";
    s.delete(
        "bob", t.codePointCount(0, t.indexOf(camera)), camera.codePointCount(0, camera.length()));
    s.type("bob", s.text.length(), "Hotel: Rua das Flores 12 <confirmed>\n");
    s.note("bob", new Note.Reply("r1", "c1", "Fine by me, the taxi is booked."));
    s.note("bob", new Note.Resolve("c1", true));
    s.note("bob", new Note.Version("sent to Carla", null));
    s.pause(30);
    s.note("alice", new Note.RemoveVersion("first draft", s.firstDraft));
    store.createDocument(doc, "Trip to Lisbon", START, true, List.of()).get();
    store.received(doc, s.revisions, List.of(), OutboxChange.unchanged()).get();
  }

  private void pause(int minutes) {
    time += minutes * 60_000L;
  }

  private void type(String author, int at, String s) {
    int pos = at;
    for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
      String ch = s.substring(i, s.offsetByCodePoints(i, 1));
      add(author, TextOperation.splice(text.length(), pos++, 0, ch));
    }
  }

  private void backspace(String author, int n) {
    for (int i = 0; i < n; i++) {
      add(author, TextOperation.splice(text.length(), text.length() - 1, 1, ""));
    }
  }

  private void delete(String author, int at, int n) {
    add(author, TextOperation.splice(text.length(), at, n, ""));
  }

  /** A batch of one note alone: its one operation changes nothing. */
  private void note(String author, Note note) {
    TextOperation op = TextOperation.identity(text.length());
    long r = revisions.size() + 1;
    time += 20_000;
    revisions.add(
        new Revision(
            r, r - 1, r, author, "c-" + author, ++batch, time, time, op, op, List.of(note)));
    if (note instanceof Note.Version v && v.name().equals("first draft")) {
      firstDraft = r;
    }
  }

  private void add(String author, TextOperation op) {
    long r = revisions.size() + 1;
    time += 180;
    text.apply(op);
    revisions.add(new Revision(r, r - 1, r, author, "c-" + author, ++batch, time, op, op));
  }
}
