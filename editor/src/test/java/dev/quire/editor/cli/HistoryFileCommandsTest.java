package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.history.HtmlTimeline;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** export --history / --rev / --html, verify and import --history, end to end on real profiles. */
class HistoryFileCommandsTest {
  static final long EPOCH = 1_790_000_000_000L;
  static final int REVISIONS = 2_500;

  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();
  private String text;

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private String profile(String name) {
    return dir.resolve(name).toString();
  }

  /** A synced document "doc" of REVISIONS revisions by two authors, in profile "a". */
  @BeforeEach
  void history() throws Exception {
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      store.createDocument("doc", "Notes <draft>", EPOCH, true, List.of()).get();
      GapBuffer buffer = new GapBuffer();
      List<Revision> revs = new ArrayList<>();
      List<LocalStore.Checkpoint> cps = new ArrayList<>();
      for (int r = 1; r <= REVISIONS; r++) {
        String author = (r / 100) % 2 == 0 ? "alice" : "bob";
        TextOperation op =
            r % 10 == 0
                ? TextOperation.splice(buffer.length(), buffer.length() - 1, 1, "")
                : TextOperation.splice(
                    buffer.length(),
                    buffer.length(),
                    0,
                    r % 50 == 5 ? "\u000b\ud83d\ude00\n" : "x");
        buffer.apply(op);
        long time = EPOCH + r * 1000L;
        // made offline, long before the relay sequenced it: import keeps both times
        revs.add(
            new Revision(r, r - 1, r, author, "c-" + author, r, time, time - 3_600_000, op, op));
        if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
          cps.add(new LocalStore.Checkpoint(r, buffer.toString()));
        }
      }
      store.received("doc", revs, cps, OutboxChange.unchanged()).get();
      text = buffer.toString();
    }
  }

  @Test
  void exportVerifyImport_keepsEveryRevisionAuthorAndTime() throws Exception {
    Path file = dir.resolve("doc.history");
    assertThat(run("export", "--profile", profile("a"), "doc", "--history", file.toString()))
        .as(err.toString())
        .isZero();
    assertThat(Files.readAllLines(file)).hasSize(1 + REVISIONS + 2 + 1); // 2 checkpoints, the end

    assertThat(run("verify", file.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "verified: document doc \"Notes <draft>\", revisions 1.."
                + REVISIONS
                + ", 3 text hash(es) matched, unsigned\n");

    assertThat(
            run("import", "--profile", profile("b"), file.toString(), "--history", "--id", "copy"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).isEqualTo("copy\n");
    try (LocalStore a = LocalStore.open(dir.resolve("a"));
        LocalStore b = LocalStore.open(dir.resolve("b"))) {
      assertThat(b.document("copy").get().orElseThrow().title()).isEqualTo("Notes <draft>");
      assertThat(b.document("copy").get().orElseThrow().createdMillis()).isEqualTo(EPOCH);
      assertThat(b.localText("copy").get()).isEqualTo(text);
      assertThat(b.revisions("copy", 1, REVISIONS).get())
          .isEqualTo(a.revisions("doc", 1, REVISIONS).get());
      assertThat(b.textAt("copy", 1234).get()).isEqualTo(a.textAt("doc", 1234).get());
    }
    // And the imported document exports the very same history (but for the export time).
    Path again = dir.resolve("again.history");
    assertThat(run("export", "--profile", profile("b"), "copy", "--history", again.toString()))
        .isZero();
    List<String> first = Files.readAllLines(file);
    List<String> second = Files.readAllLines(again);
    assertThat(second).hasSameSizeAs(first);
    for (int i = 1; i < first.size(); i++) {
      assertThat(withoutChain(second.get(i))).isEqualTo(withoutChain(first.get(i)));
    }
  }

  /** A record without its hashes, which depend on the header (and so on the export time). */
  private static String withoutChain(String line) {
    return line.replaceAll("\"(hash|prev)\":\"[0-9a-f]{64}\",?", "");
  }

  @Test
  void signedExport_verifiesWithTrust_andNotWithAnotherKey() throws Exception {
    var key = dev.quire.editor.history.Signatures.Signer.generate();
    var other = dev.quire.editor.history.Signatures.Signer.generate();
    Path priv = Files.writeString(dir.resolve("k.pem"), key.privatePem());
    Path pub = Files.writeString(dir.resolve("k.pub"), key.publicPem());
    Path otherPub = Files.writeString(dir.resolve("o.pub"), other.publicPem());
    Path file = dir.resolve("signed.history");
    assertThat(
            run(
                "export",
                "--profile",
                profile("a"),
                "doc",
                "--history",
                file.toString(),
                "--sign",
                priv.toString()))
        .as(err.toString())
        .isZero();
    assertThat(run("verify", file.toString(), "--trust", pub.toString())).isZero();
    assertThat(out.toString()).contains("signed by ed25519:");
    assertThat(run("verify", file.toString(), "--trust", otherPub.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("line 1002: the checkpoint of revision 1000 is signed by ed25519:")
        .contains("which is not one of the trusted keys");
  }

  @Test
  void tamperedFile_isRefusedByImport_andForceTakesTheVerifiedPrefix() throws Exception {
    Path file = dir.resolve("doc.history");
    assertThat(run("export", "--profile", profile("a"), "doc", "--history", file.toString()))
        .isZero();
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    int line = 1 + 1500 + 1 - 1; // header, 1500 revisions, the checkpoint at 1000: revision 1500
    assertThat(lines.get(line)).contains("\"revision\":1500,");
    lines.set(line, lines.get(line).replace("\"author\":\"", "\"author\":\"mallory-"));
    Files.write(file, lines);

    assertThat(run("verify", file.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("line 1502: the record of revision 1500 does not match its hash: it was changed")
        .contains("(first bad revision: 1500)")
        .contains("revisions 1..1000 verified");

    assertThat(run("import", "--profile", profile("b"), file.toString(), "--history", "--id", "x"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("nothing was imported").contains("1..1000");
    assertThat(run("docs", "--profile", profile("b"))).isZero();
    assertThat(out.toString()).isEmpty();

    assertThat(
            run(
                "import",
                "--profile",
                profile("b"),
                file.toString(),
                "--history",
                "--force",
                "--id",
                "x"))
        .as(err.toString())
        .isZero();
    assertThat(err.toString())
        .contains(
            "imported revisions 1..1000, the verified prefix (the file is bad from revision 1500)");
    try (LocalStore a = LocalStore.open(dir.resolve("a"));
        LocalStore b = LocalStore.open(dir.resolve("b"))) {
      assertThat(b.document("x").get().orElseThrow().head()).isEqualTo(1000);
      assertThat(b.localText("x").get()).isEqualTo(a.textAt("doc", 1000).get());
    }
  }

  @Test
  void importedHistory_isUploadedOnTheNextSync_withItsAuthorsAndTimes() throws Exception {
    Path file = dir.resolve("doc.history");
    assertThat(run("export", "--profile", profile("a"), "doc", "--history", file.toString()))
        .isZero();
    assertThat(run("import", "--profile", profile("b"), file.toString(), "--history", "--id", "x"))
        .isZero();
    try (var relay = dev.quire.editor.sync.TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("carol");
      String[] sync = {
        "sync",
        "--profile",
        profile("b"),
        "--relay",
        relay.uri().toString(),
        "--token",
        token,
        "--name",
        "Carol",
        "--timeout",
        "30"
      };
      // Its authors must be users of the relay: until then nothing is stored.
      assertThat(run(sync)).isEqualTo(1);
      assertThat(out.toString()).contains("x\terror\t" + REVISIONS);
      assertThat(err.toString()).contains("UNKNOWN_USER").contains("is not a user of this relay");
      assertThat(relay.relay().store().documents().find("x")).isEmpty();

      relay.user("alice");
      relay.user("bob");
      assertThat(run(sync)).as(err.toString()).isZero();
      assertThat(out.toString()).contains("x\tsynced\t" + REVISIONS);
      var history = relay.relay().store().history().page("x", 0, 100);
      assertThat(history.get(0).author()).isEqualTo("alice");
      assertThat(history.get(0).timestampMillis()).isEqualTo(EPOCH + 1000);
      assertThat(relay.relay().store().documents().find("x").orElseThrow().head())
          .isEqualTo(REVISIONS);
      assertThat(relay.relay().store().documents().find("x").orElseThrow().owner())
          .isEqualTo("carol");
    }
    try (LocalStore b = LocalStore.open(dir.resolve("b"))) {
      assertThat(b.document("x").get().orElseThrow().head()).isEqualTo(REVISIONS);
      assertThat(b.localText("x").get()).isEqualTo(text);
    }
  }

  @Test
  void importOfAFileThatIsNotAHistory_changesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "just text\n");
    assertThat(run("import", "--profile", profile("b"), file.toString(), "--history")).isEqualTo(1);
    assertThat(err.toString()).contains("line 1: the record is not a JSON record");
    assertThat(run("docs", "--profile", profile("b"))).isZero();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void exportRev_writesTheTextAtThatRevision() throws Exception {
    assertThat(run("export", "--profile", profile("a"), "doc", "--rev", "0")).isZero();
    assertThat(out.toString()).isEmpty();
    Path file = dir.resolve("r.txt");
    assertThat(run("export", "--profile", profile("a"), "doc", "--rev", "1234", file.toString()))
        .isZero();
    try (LocalStore a = LocalStore.open(dir.resolve("a"))) {
      assertThat(Files.readString(file, StandardCharsets.UTF_8))
          .isEqualTo(a.textAt("doc", 1234).get());
    }
    assertThat(run("export", "--profile", profile("a"), "doc", "--rev", "99999")).isEqualTo(2);
    assertThat(err.toString()).contains("has revisions 0..2500, not 99999");
  }

  @Test
  void exportHtml_isOneSelfContainedPageWithEverySession() throws Exception {
    Path file = dir.resolve("doc.html");
    assertThat(run("export", "--profile", profile("a"), "doc", "--html", file.toString()))
        .as(err.toString())
        .isZero();
    String html = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(html).contains("<title>Notes &lt;draft&gt; \u2014 history</title>");
    assertThat(html).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
    // alice wrote 1..99, bob 100..199, ...: 26 sessions, the first one's keystrokes in one change
    assertThat(html.split("<li class=\"session\"", -1)).hasSize(26 + 1);
    assertThat(html).contains("revisions 1\u201399");
    assertThat(html).contains("<span class=\"author\" title=\"bob\">bob</span>");
    assertThat(html).contains("\u2039U+000B\u203a");
    assertThat(html).contains("2500 revision(s) in 26 session(s)");
  }

  /** Every revision's notes show at their revision, up to a bound per session; the rest counted. */
  @Test
  void exportHtml_showsNotesAtTheirRevision_andCountsThoseBeyondTheBound() throws Exception {
    int notes = HtmlTimeline.NOTES_SHOWN + 5;
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      store.createDocument("talk", "Talk", EPOCH, true, List.of()).get();
      List<Revision> revs = new ArrayList<>();
      TextOperation hello = TextOperation.splice(0, 0, 0, "hello");
      revs.add(new Revision(1, 0, 1, "carol", "c-carol", 1, EPOCH, hello, hello));
      for (int r = 2; r <= notes + 1; r++) {
        TextOperation none = TextOperation.identity(5);
        Note note = new Note.Comment("c" + r, 0, 5, "comment & <b>" + r + "</b>");
        long time = EPOCH + r * 1000L;
        revs.add(
            new Revision(
                r, r - 1, r, "carol", "c-carol", r, time, time, none, none, List.of(note)));
      }
      store.received("talk", revs, List.of(), OutboxChange.unchanged()).get();
    }
    Path file = dir.resolve("talk.html");
    assertThat(run("export", "--profile", profile("a"), "talk", "--html", file.toString()))
        .as(err.toString())
        .isZero();
    String html = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(html.split("<li class=\"session\"", -1)).hasSize(1 + 1);
    assertThat(html)
        .contains(
            "<div class=\"note\"><span class=\"at\">r2</span><span class=\"author\">carol</span>"
                + " commented \u201ccomment &amp; &lt;b&gt;2&lt;/b&gt;\u201d</div>")
        .doesNotContain("<b>");
    assertThat(html.split("<div class=\"note\">", -1)).hasSize(HtmlTimeline.NOTES_SHOWN + 1);
    assertThat(html).contains("and 5 more revision(s) with notes");
  }

  /** One name and colour per person everywhere: the page shows people as the editor does. */
  @Test
  void exportHtml_showsPeopleByTheNameAndColourTheEditorShowsThem() throws Exception {
    Files.writeString(
        dir.resolve("a").resolve("editor.properties"),
        "person.alice=#e11d48 Alice Ångström\n",
        StandardCharsets.ISO_8859_1);
    Path file = dir.resolve("doc.html");
    assertThat(run("export", "--profile", profile("a"), "doc", "--html", file.toString()))
        .as(err.toString())
        .isZero();
    String html = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(html)
        .contains("style=\"--c:#e11d48\"")
        .contains("<span class=\"author\" title=\"alice\">Alice Ångström</span>");
    assertThat(html).as("bob, never seen: his login").contains(">bob</span>");
  }

  @Test
  void verify_ofAMissingFile_isAUsageError() {
    assertThat(run("verify", dir.resolve("nope").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read");
  }
}
