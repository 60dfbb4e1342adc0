package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.bench.Traces;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProfileCommandsTest {
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
  void importDocsShowExportHistory_workOfflineWithPlainOutput() throws Exception {
    Path in = dir.resolve("notes.txt");
    String text = "line one\nflag 🇫🇷 and é\n";
    Files.writeString(in, text, StandardCharsets.UTF_8);

    assertThat(run("import", "--profile", profile(), in.toString(), "--id", "notes")).isZero();
    assertThat(out.toString()).isEqualTo("notes\n");

    assertThat(run("docs", "--profile", profile())).isZero();
    assertThat(out.toString()).isEqualTo("notes\tlocal\t0\t1\tnotes.txt\n");

    assertThat(run("show", "--profile", profile(), "notes")).isZero();
    assertThat(out.toString()).isEqualTo(text);
    assertThat(run("show", "--profile", profile(), "notes", "--rev", "0")).isZero();
    assertThat(out.toString()).isEmpty();

    Path exported = dir.resolve("out.txt");
    assertThat(run("export", "--profile", profile(), "notes", exported.toString())).isZero();
    assertThat(Files.readString(exported, StandardCharsets.UTF_8)).isEqualTo(text);

    assertThat(run("history", "--profile", profile(), "notes")).isZero();
    assertThat(out.toString()).matches("-\\t\\S+\\t\\(unsent\\)\\tc-\\S+\\t@0 \\+23 -0\\t-\\n");
  }

  @Test
  void errors_haveClearMessagesAndExitCodes() throws Exception {
    assertThat(run("show", "--profile", profile(), "missing")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no document missing");

    assertThat(run("import", "--profile", profile(), dir.resolve("nope.txt").toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("does not exist");

    Files.writeString(dir.resolve("a.txt"), "abc");
    run("import", "--profile", profile(), dir.resolve("a.txt").toString(), "--id", "a");
    assertThat(run("show", "--profile", profile(), "a", "--rev", "5")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("revisions 0..0");

    try (LocalStore held = LocalStore.open(dir.resolve("profile"))) {
      assertThat(run("docs", "--profile", profile())).isEqualTo(ExitCodes.PROFILE);
      assertThat(err.toString()).contains("in use by another running Quire");
    }

    assertThat(run("sync", "--profile", profile())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no relay");
  }

  @Test
  void type_typesATraceIntoANewDocumentAndKeepsEveryEdit() throws Exception {
    Path trace = Traces.path("seph-blog1.json.gz");
    assertThat(run("type", "--profile", profile(), "blog", trace.toString(), "--limit", "500"))
        .isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("typed 500 edits")
        .contains("local durability")
        .contains("stopped after 500");
    assertThat(run("docs", "--profile", profile())).isZero();
    assertThat(out.toString()).startsWith("blog\tlocal\t0\t500\t");

    assertThat(run("type", "--profile", profile(), "blog", trace.toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("start text");
  }

  @Test
  void typeAndImport_intoADocumentTheUserMayOnlyRead_areRefused_nothingQueued() throws Exception {
    try (dev.quire.editor.store.LocalStore store =
        dev.quire.editor.store.LocalStore.open(dir.resolve("profile"))) {
      store.createDocument("blog", "Blog", 1, true, java.util.List.of()).get();
      store.setRelayRole("blog", dev.quire.ot.protocol.Role.VIEWER).get();
    }
    Path trace = Traces.path("seph-blog1.json.gz");
    assertThat(run("type", "--profile", profile(), "blog", trace.toString(), "--limit", "50"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("you can only read blog").contains("viewer");
    assertThat(out.toString()).doesNotContain("typed");

    Path in = dir.resolve("in.txt");
    Files.writeString(in, "text", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile(), in.toString(), "--id", "blog"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("you can only read it");

    assertThat(run("docs", "--profile", profile())).isZero();
    assertThat(out.toString()).startsWith("blog\tsynced\t0\t0\t"); // nothing unsent, no error
  }

  @Test
  void delete_refusesToLoseUnsentEditsWithoutForceAndUnknownDocuments() throws Exception {
    Path in = dir.resolve("a.txt");
    Files.writeString(in, "text", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile(), in.toString(), "--id", "a")).isZero();

    assertThat(run("delete", "--profile", profile(), "a")).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("quire delete: a has 1 edit(s) not on the relay")
        .contains("--force")
        .contains("Nothing was deleted");
    assertThat(run("show", "--profile", profile(), "a")).isZero();
    assertThat(out.toString()).isEqualTo("text");

    assertThat(run("delete", "--profile", profile(), "a", "--force")).isZero();
    assertThat(out.toString()).isEmpty();
    assertThat(run("docs", "--profile", profile())).isZero();
    assertThat(out.toString()).isEmpty();
    try (LocalStore store = LocalStore.open(dir.resolve("profile"))) {
      assertThat(store.pendingRelayDeletes().get()).isEmpty(); // never on a relay
    }

    assertThat(run("delete", "--profile", profile(), "a")).isEqualTo(2);
    assertThat(err.toString()).contains("no document a");
  }
}
