package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.bench.Traces;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code export --history} of an encrypted document writes its ciphertext chain, which {@code
 * verify} checks without the key (the relay's signatures included) and, with {@code --decrypt},
 * replays; {@code --plaintext} writes the plaintext history.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EncryptedHistoryFileTest {
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

  @Test
  void theCiphertextChain_verifiesWithoutTheKey_andWithTheProfilesKeysReplaysToItsText()
      throws Exception {
    String desk = dir.resolve("desk").toString();
    assertThat(run("new", "--profile", desk, "--encrypted", "--id", "secret", "--title", "Plans"))
        .as(err.toString())
        .isZero();
    Path trace = Traces.path("seph-blog1.json.gz");
    assertThat(run("type", "--profile", desk, "secret", trace.toString(), "--limit", "250"))
        .as(err.toString())
        .isZero();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) { // signs every 100 revisions
      String token = relay.user("alice");
      String[] sync = {
        "sync", "--profile", desk, "--relay", relay.uri().toString(), "--token", token
      };
      assertThat(run(sync)).as(err.toString()).isZero();
    }
    long head;
    String text;
    try (LocalStore store = LocalStore.open(dir.resolve("desk"))) {
      head = store.document("secret").get().orElseThrow().head();
      text = store.localText("secret").get();
    }
    assertThat(head).isGreaterThan(200);

    Path chain = dir.resolve("secret.history");
    assertThat(run("export", "--profile", desk, "secret", "--history", chain.toString()))
        .as(err.toString())
        .isZero();
    List<String> lines = Files.readAllLines(chain, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).contains("\"version\":4").contains("\"relayKey\":");
    assertThat(lines.get(1)).contains("\"type\":\"device\"");
    String tail = text.substring(Math.max(0, text.length() - 30)).strip();
    assertThat(String.join("\n", lines)).doesNotContain(tail); // ciphertext only

    System.setProperty("quire.progress.millis", "1");
    try {
      assertThat(run("verify", chain.toString())).as(err.toString()).isZero();
    } finally {
      System.clearProperty("quire.progress.millis");
    }
    assertThat(err.toString()) // what it is doing, as for any history file
        .contains("quire verify secret.history: checking")
        .doesNotContain("\r");
    assertThat(out.toString())
        .contains("ciphertext chain of encrypted document secret \"Plans\", revisions 1.." + head)
        .contains("signed by 1 device(s)")
        .contains(": revisions 1.." + head + " signed (");

    assertThat(run("verify", "--decrypt", "--profile", desk, chain.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("text at revision " + head + " matches this profile's copy");
    String stranger = dir.resolve("stranger").toString();
    assertThat(run("new", "--profile", stranger, "--id", "other")).isZero();
    assertThat(run("verify", "--decrypt", "--profile", stranger, chain.toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("holds no key of document secret");

    // A sealed batch changed on its way: named by its line and revision, without the key.
    List<String> bad = new ArrayList<>(lines);
    int at = 2;
    while (!bad.get(at).contains("\"sealed\":\"")) {
      at++;
    }
    bad.set(at, bad.get(at).replaceFirst("\"sealed\":\"(.)", "\"sealed\":\"$1$1"));
    Path tampered = dir.resolve("tampered.history");
    Files.write(tampered, bad, StandardCharsets.UTF_8);
    assertThat(run("verify", tampered.toString())).isEqualTo(VerifyCommand.BAD);
    assertThat(err.toString()).contains("line " + (at + 1) + ": the record at revision ");

    // It is not a plaintext history: import refuses it, naming why, and adds nothing.
    assertThat(run("import", "--profile", stranger, chain.toString(), "--history")).isNotZero();
    assertThat(err.toString()).contains("ciphertext chain");
    assertThat(run("docs", "--profile", stranger)).isZero();
    assertThat(out.toString()).doesNotContain("secret");

    Path plain = dir.resolve("secret-plain.history");
    assertThat(
            run(
                "export",
                "--profile",
                desk,
                "secret",
                "--history",
                plain.toString(),
                "--plaintext"))
        .as(err.toString())
        .isZero();
    assertThat(Files.readAllLines(plain).get(0)).contains("\"version\":3");
    assertThat(run("verify", plain.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("verified: document secret \"Plans\", revisions 1.." + head);
    assertThat(run("verify", "--decrypt", plain.toString())).isEqualTo(ExitCodes.USAGE);

    // A profile that lacks the ciphertext of a revision (received before it kept ciphertext):
    // export refuses, naming it, and writes nothing.
    try (LocalStore store = LocalStore.open(dir.resolve("desk"))) {
      store
          .keyringWrite(
              "DELETE FROM sealed_history WHERE doc_id = ? AND first_revision = 1", "secret")
          .get();
    }
    Path partial = dir.resolve("partial.history");
    assertThat(run("export", "--profile", desk, "secret", "--history", partial.toString()))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("does not keep the ciphertext of revision 1 of secret");
    assertThat(partial).doesNotExist();
    try (var left = Files.list(dir)) {
      assertThat(left).noneMatch(p -> p.getFileName().toString().endsWith(".part"));
    }
  }

  @Test
  void aProfileLackingPartOfItsCiphertextChain_fetchesItFromTheRelay_andOfflineRefusesNamingIt()
      throws Exception {
    String desk = dir.resolve("desk").toString();
    assertThat(run("new", "--profile", desk, "--encrypted", "--id", "secret", "--title", "Plans"))
        .as(err.toString())
        .isZero();
    Path chain = dir.resolve("secret.history");
    long head;
    String forget;
    long gapFrom;
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String[] online = {"--relay", relay.uri().toString(), "--token", relay.user("alice")};
      assertThat(run(concat(new String[] {"sync", "--profile", desk}, online)))
          .as(err.toString())
          .isZero();
      Path trace = Traces.path("seph-blog1.json.gz");
      String[] type = {
        "type", "--profile", desk, "secret", trace.toString(), "--limit", "300", "--rate", "150"
      };
      assertThat(run(concat(type, online))).as(err.toString()).isZero(); // live: many batches
      try (LocalStore store = LocalStore.open(dir.resolve("desk"))) {
        head = store.document("secret").get().orElseThrow().head();
        List<Long> firsts =
            store.sealedBatches("secret", 1, head).get().stream()
                .map(b -> b.firstRevision())
                .toList();
        assertThat(firsts).hasSizeGreaterThan(3);
        gapFrom = firsts.get(1);
        // as if synced before it kept ciphertext: all but the first and the last batch
        forget =
            "DELETE FROM sealed_history WHERE doc_id = ? AND first_revision BETWEEN "
                + gapFrom
                + " AND "
                + firsts.get(firsts.size() - 2);
        store.keyringWrite(forget, "secret").get();
      }

      assertThat(run("export", "--profile", desk, "secret", "--history", chain.toString()))
          .as(err.toString())
          .isZero();
      assertThat(err.toString()).contains("fetched the ciphertext of revisions " + gapFrom + "..");
    }
    assertThat(run("verify", chain.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("ciphertext chain of encrypted document secret \"Plans\", revisions 1.." + head)
        .contains(": revisions 1.." + head + " signed (");
    assertThat(run("verify", "--decrypt", "--profile", desk, chain.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("text at revision " + head + " matches this profile's copy");

    // Offline: the same gap is refused, naming its first revision and why, and nothing is written.
    try (LocalStore store = LocalStore.open(dir.resolve("desk"))) {
      store.keyringWrite(forget, "secret").get();
    }
    Path offline = dir.resolve("offline.history");
    assertThat(run("export", "--profile", desk, "secret", "--history", offline.toString()))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString())
        .contains("does not keep the ciphertext of revision " + gapFrom + " of secret")
        .contains("the relay could not be reached");
    assertThat(offline).doesNotExist();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
