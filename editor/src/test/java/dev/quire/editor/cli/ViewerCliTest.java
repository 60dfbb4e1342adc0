package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.bench.Traces;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bob typed into Alice's document offline, then Alice made him a viewer: {@code sync} says that the
 * relay refuses his edits and how to keep or drop them, {@code export} keeps the local text, {@code
 * discard} drops the edits, and the document syncs again as a viewer's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewerCliTest {
  @TempDir Path dir;
  private TestRelay relay;
  private String aliceToken;
  private String bobToken;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() {
    relay = TestRelay.start(dir.resolve("relay"));
    aliceToken = relay.user("alice");
    bobToken = relay.user("bob");
    relay.document("blog", "alice", "bob");
  }

  @AfterEach
  void tearDown() {
    relay.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private String bob() {
    return dir.resolve("bob").toString();
  }

  private int sync(String profile, String token) {
    return run(
        "sync",
        "--profile",
        profile,
        "--relay",
        relay.uri().toString(),
        "--token",
        token,
        "--timeout",
        "30");
  }

  private void bobTypesOfflineThenBecomesViewer() {
    assertThat(sync(bob(), bobToken)).as(err.toString()).isZero();
    String trace = Traces.path("seph-blog1.json.gz").toString();
    assertThat(run("type", "--profile", bob(), "blog", trace, "--limit", "5"))
        .as(out + " " + err)
        .isIn(ExitCodes.OK, ExitCodes.FAILED); // stopped after 5 edits: not the end text
    String alice = dir.resolve("alice").toString();
    assertThat(sync(alice, aliceToken)).as(err.toString()).isZero();
    assertThat(run("share", "--profile", alice, "blog", "bob", "viewer"))
        .as(err.toString())
        .isZero();
  }

  @Test
  void sync_saysTheEditsAreRefused_export_keepsThem_discard_dropsThem() throws Exception {
    bobTypesOfflineThenBecomesViewer();
    String typed = run("show", "--profile", bob(), "blog") == 0 ? out.toString() : null;
    assertThat(typed).isNotEmpty();

    assertThat(sync(bob(), bobToken)).isEqualTo(ExitCodes.FAILED);
    assertThat(out.toString()).startsWith("blog\trefused\t0\t5\t");
    assertThat(err.toString())
        .contains("blog: the relay refuses your edits")
        .contains("quire export blog FILE")
        .contains("quire discard blog")
        .doesNotContain("error");
    assertThat(run("docs", "--profile", bob())).isZero();
    assertThat(out.toString()).startsWith("blog\trefused\t0\t5\t");

    Path kept = dir.resolve("kept.txt");
    assertThat(run("export", "--profile", bob(), "blog", kept.toString())).isZero();
    assertThat(Files.readString(kept, StandardCharsets.UTF_8)).isEqualTo(typed);

    assertThat(run("discard", "--profile", bob(), "blog")).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("discarded 5 unsent edits of blog\n");
    assertThat(run("show", "--profile", bob(), "blog")).isZero();
    assertThat(out.toString()).isEmpty();
    assertThat(run("discard", "--profile", bob(), "blog")).isZero();
    assertThat(out.toString()).isEqualTo("discarded 0 unsent edits of blog\n");

    assertThat(sync(bob(), bobToken)).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("blog\tsynced\t0\t0\t");
    assertThat(relay.relay().store().documents().find("blog").orElseThrow().head()).isZero();
  }

  @Test
  void discard_ofAnUnknownDocument_isAUsageError() {
    assertThat(run("discard", "--profile", bob(), "nope")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no document nope");
  }

  @Test
  void type_withTheRelay_refusesADowngradedEditorBeforeTyping() {
    assertThat(sync(bob(), bobToken)).as(err.toString()).isZero();
    String alice = dir.resolve("alice").toString();
    assertThat(sync(alice, aliceToken)).as(err.toString()).isZero();
    assertThat(run("share", "--profile", alice, "blog", "bob", "viewer"))
        .as(err.toString())
        .isZero();
    // Bob's profile still says editor: the relay's answer decides
    String trace = Traces.path("seph-blog1.json.gz").toString();
    int code =
        run(
            "type",
            "--profile",
            bob(),
            "blog",
            trace,
            "--limit",
            "50",
            "--relay",
            relay.uri().toString());
    assertThat(code).as(out + " " + err).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("you can only read blog").contains("nothing was typed");
    assertThat(run("docs", "--profile", bob())).isZero();
    assertThat(out.toString()).startsWith("blog\tsynced\t0\t0\t");
  }
}
