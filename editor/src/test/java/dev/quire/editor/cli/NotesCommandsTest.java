package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.note.Note;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code versions}, {@code version} and {@code comments}: before and after a sync. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotesCommandsTest {
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

  private String profile() {
    return dir.resolve("profile").toString();
  }

  @Test
  void commentsAndVersions_listedUnsentOffline_thenWithRevisionsAfterASync() throws Exception {
    Path in = dir.resolve("notes.txt");
    Files.writeString(in, "one 🇫🇷 two\n", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile(), in.toString(), "--id", "notes")).isZero();
    try (LocalStore store = LocalStore.open(Path.of(profile()))) {
      DocumentSession s =
          DocumentSession.open(store, "notes", Runnable::run, 1000).get(30, TimeUnit.SECONDS);
      s.addNote(new Note.Comment("c1", 4, 5, "a flag?\tyes"));
      s.addNote(new Note.Version("first draft", null));
      store.flush().get(30, TimeUnit.SECONDS);
    }

    assertThat(run("comments", "--profile", profile(), "notes")).isZero();
    assertThat(out.toString()).isEqualTo("c1\t4\t5\t(you)\tunsent\ta flag?\\tyes\n");
    assertThat(run("versions", "--profile", profile(), "notes")).isZero();
    assertThat(out.toString()).isEqualTo("first draft\t-\t(unsent)\t-\n");
    assertThat(run("version", "--profile", profile(), "notes", "first draft"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no version named \"first draft\"");

    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      String[] sync = {
        "sync", "--profile", profile(), "--relay", relay.uri().toString(), "--token", token
      };
      assertThat(run(sync)).isZero();
    }
    assertThat(run("comments", "--profile", profile(), "notes")).isZero();
    assertThat(out.toString()).isEqualTo("c1\t4\t5\talice\topen\ta flag?\\tyes\n");
    assertThat(run("versions", "--profile", profile(), "notes")).isZero();
    assertThat(out.toString()).matches("first draft\\t1\\talice\\t\\S+Z\\n");
    assertThat(run("version", "--profile", profile(), "notes", "first draft")).isZero();
    assertThat(out.toString()).isEqualTo("one 🇫🇷 two\n");
  }

  @Test
  void versionRemove_removesANameItsUserGave_forEveryone_andRefusesSomeoneElses() throws Exception {
    Path in = dir.resolve("notes.txt");
    Files.writeString(in, "one two\n", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile(), in.toString(), "--id", "notes")).isZero();
    try (LocalStore store = LocalStore.open(Path.of(profile()))) {
      DocumentSession s =
          DocumentSession.open(store, "notes", Runnable::run, 1000).get(30, TimeUnit.SECONDS);
      s.addNote(new Note.Version("first draft", null));
      store.flush().get(30, TimeUnit.SECONDS);
    }
    String bobProfile = dir.resolve("bob").toString();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String[] alice = {
        "--profile", profile(), "--relay", relay.uri().toString(), "--token", relay.user("alice")
      };
      String[] bob = {
        "--profile", bobProfile, "--relay", relay.uri().toString(), "--token", relay.user("bob")
      };
      assertThat(run(concat(new String[] {"sync"}, alice))).isZero();
      assertThat(run(concat(new String[] {"share", "notes", "bob", "editor"}, alice))).isZero();
      assertThat(run(concat(new String[] {"sync"}, bob))).isZero();

      assertThat(run("version", "--profile", bobProfile, "notes", "first draft", "--remove"))
          .isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString())
          .contains("was given by alice; only the one who gave a name can remove it");

      assertThat(run("version", "--profile", profile(), "notes", "first draft", "--remove"))
          .isZero();
      assertThat(run("versions", "--profile", profile(), "notes")).isZero();
      assertThat(out.toString()).isEmpty(); // removed here at once
      assertThat(run(concat(new String[] {"sync"}, alice))).isZero();
      assertThat(run(concat(new String[] {"sync"}, bob))).isZero();
    }
    assertThat(run("versions", "--profile", bobProfile, "notes")).isZero();
    assertThat(out.toString()).isEmpty();
    assertThat(run("version", "--profile", bobProfile, "notes", "first draft"))
        .isEqualTo(ExitCodes.USAGE);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
