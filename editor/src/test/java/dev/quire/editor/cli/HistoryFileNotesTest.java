package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.ShownComment;
import dev.quire.ot.note.Anchor;
import dev.quire.ot.note.NamedVersion;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Comments and named versions survive export, verify and import: the history file carries each
 * batch's notes and, for a batch concurrent with others, the operations its author sent, which
 * place its comments' anchors exactly as every replica placed them.
 */
class HistoryFileNotesTest {
  static final long EPOCH = 1_790_000_000_000L;

  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private static Revision rev(
      long r, long base, String author, TextOperation op, TextOperation sent, Note... notes) {
    long time = EPOCH + r * 1000;
    return new Revision(r, base, r, author, "c-" + author, r, time, time, op, sent, List.of(notes));
  }

  /**
   * Alice writes a line; Bob prefixes it; Alice, not having seen Bob's edit, adds " brown" and
   * comments on "quick brown" in her text: her batch is canonicalised past Bob's, and her comment's
   * anchor moved with it. Bob then replies and names revision 2.
   */
  private static void write(LocalStore store) throws Exception {
    store.createDocument("doc", "Fox", EPOCH, true, List.of()).get();
    TextOperation first = TextOperation.splice(0, 0, 0, "the quick fox\n");
    TextOperation bob = TextOperation.splice(14, 0, 0, "A: ");
    TextOperation alice = TextOperation.splice(14, 9, 0, " brown"); // on "the quick fox\n"
    TextOperation canonical = TextOperation.transform(alice, bob).aPrime();
    store
        .received(
            "doc",
            List.of(
                rev(1, 0, "alice", first, first),
                rev(2, 1, "bob", bob, bob),
                rev(
                    3,
                    1,
                    "alice",
                    canonical,
                    alice,
                    new Note.Comment("c1", 4, 15, "which fox?"),
                    new Note.Version("draft", null)),
                rev(
                    4,
                    3,
                    "bob",
                    TextOperation.identity(23),
                    TextOperation.identity(23),
                    new Note.Reply("r1", "c1", "the brown one"),
                    new Note.Version("prefixed", 2L))),
            List.of(),
            OutboxChange.unchanged())
        .get();
  }

  private record Notes(List<ShownComment> comments, List<NamedVersion> versions, String text) {}

  private static Notes notesOf(Path profile, String doc) throws Exception {
    try (LocalStore store = LocalStore.open(profile)) {
      DocumentSession s =
          DocumentSession.open(store, doc, Runnable::run, 1000).get(30, TimeUnit.SECONDS);
      return new Notes(s.comments(), s.versions(), s.text());
    }
  }

  @Test
  void exportVerifyImport_keepsTheCommentsAtTheSamePlaces_andTheVersionNames() throws Exception {
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      write(store);
    }
    Notes source = notesOf(dir.resolve("a"), "doc");
    assertThat(source.text()).isEqualTo("A: the quick brown fox\n");
    assertThat(source.comments()).hasSize(1);
    assertThat(source.comments().get(0).anchor()).isEqualTo(new Anchor(7, 18)); // "quick brown"
    assertThat(source.comments().get(0).replies()).hasSize(1);
    assertThat(source.versions())
        .extracting(NamedVersion::name, NamedVersion::revision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("draft", 3L),
            org.assertj.core.groups.Tuple.tuple("prefixed", 2L));

    Path file = dir.resolve("doc.history");
    assertThat(
            run("export", "--profile", dir.resolve("a").toString(), "doc", "--history", "" + file))
        .as(err.toString())
        .isZero();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).contains("\"version\":3");
    assertThat(lines.get(3)) // revision 3: its notes, and the operation Alice sent
        .contains("\"notes\":[{\"from\":4,\"id\":\"c1\",\"kind\":\"comment\"")
        .contains("\"sent\":[9,\" brown\",5]");
    assertThat(lines.get(2)).doesNotContain("\"sent\"").doesNotContain("\"notes\"");

    assertThat(run("verify", file.toString())).as(err.toString()).isZero();
    assertThat(
            run(
                "import",
                "--profile",
                dir.resolve("b").toString(),
                file.toString(),
                "--history",
                "--id",
                "copy"))
        .as(err.toString())
        .isZero();

    assertThat(notesOf(dir.resolve("b"), "copy")).isEqualTo(source);

    // The imported history goes to a relay with its notes, and from there to another device.
    try (var relay = dev.quire.editor.sync.TestRelay.start(dir.resolve("relay"))) {
      relay.user("alice");
      relay.user("bob");
      String carol = relay.user("carol");
      for (String profile : List.of("b", "c")) {
        assertThat(
                run(
                    "sync",
                    "--profile",
                    dir.resolve(profile).toString(),
                    "--relay",
                    relay.uri().toString(),
                    "--token",
                    carol,
                    "--timeout",
                    "30"))
            .as(err.toString())
            .isZero();
      }
      assertThat(relay.relay().store().history().page("copy", 0, 10).get(2).batch().notes())
          .contains("which fox?");
    }
    assertThat(notesOf(dir.resolve("c"), "copy")).isEqualTo(source);
  }

  @Test
  void verify_refusesChangedNotes_namingTheRevision() throws Exception {
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      write(store);
    }
    Path file = dir.resolve("doc.history");
    assertThat(
            run("export", "--profile", dir.resolve("a").toString(), "doc", "--history", "" + file))
        .isZero();
    List<String> lines = Files.readAllLines(file);

    Path changed = dir.resolve("changed.history");
    List<String> edited = new java.util.ArrayList<>(lines);
    edited.set(3, edited.get(3).replace("which fox?", "which dog?"));
    Files.write(changed, edited);
    assertThat(run("verify", changed.toString())).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("revision 3").contains("first bad revision: 3");
  }
}
