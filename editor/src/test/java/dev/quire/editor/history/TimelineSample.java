package dev.quire.editor.history;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayList;
import java.util.List;

/** A short two-author history, typed keystroke by keystroke, for the timeline's screenshots. */
final class TimelineSample {
  static final long START = 1_796_022_000_000L; // 2026-11-30 07:00 UTC

  private final List<Revision> revisions = new ArrayList<>();
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
    s.pause(47);
    s.type("bob", s.text.length(), "\nBring: passports, the camera \ud83d\udcf7, sunscreen.\n");
    s.pause(3);
    s.type("alice", s.text.toString().indexOf("Friday") + 7, "7:40 ");
    s.pause(180);
    String t = s.text.toString();
    String camera = " the camera \ud83d\udcf7,";
    s.delete(
        "bob", t.codePointCount(0, t.indexOf(camera)), camera.codePointCount(0, camera.length()));
    s.type("bob", s.text.length(), "Hotel: Rua das Flores 12 <confirmed>\n");
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

  private void add(String author, TextOperation op) {
    long r = revisions.size() + 1;
    time += 180;
    text.apply(op);
    revisions.add(new Revision(r, r - 1, r, author, "c-" + author, ++batch, time, op, op));
  }
}
