package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.editor.history.Signatures;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.bench.Traces;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A history file carries the relay's signatures (protocol 5) end to end: a profile syncs with a
 * real relay, which signs checkpoints of the history with its own key; export writes them; verify
 * checks them against the relay's chain, recomputed from the file alone, and names the record when
 * one was tampered with. An author's device countersigns with its own key.
 */
class RelaySignedHistoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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
    return dir.resolve("a").toString();
  }

  /** Lines of the file with the relay's signatures, as exported from a synced profile. */
  private List<String> exported(Path file, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("export", "--profile", profile(), "blog", "--history", file.toString()));
    args.addAll(List.of(more));
    assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
    return Files.readAllLines(file);
  }

  private String verify(List<String> lines) throws Exception {
    Path f = Files.write(dir.resolve("tampered-" + System.nanoTime() + ".history"), lines);
    int code = run("verify", f.toString());
    return code + " " + out + err;
  }

  private static int indexOf(List<String> lines, String type, long revision) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"type\":\"" + type + "\"")
          && lines.get(i).contains("\"revision\":" + revision + ",")) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " record of revision " + revision);
  }

  /** Every hash and prev recomputed, as a forger would, relay records left as they are. */
  private static List<String> rechain(List<String> lines) throws Exception {
    List<String> outLines = new ArrayList<>();
    String prev = null;
    for (String line : lines) {
      ObjectNode o = (ObjectNode) JSON.readTree(line);
      if (o.get("type").asText().equals("relay")) {
        outLines.add(line);
        continue;
      }
      o.remove("hash");
      o.remove("signatures");
      if (prev != null) {
        o.put("prev", prev);
      }
      StringBuilder c = new StringBuilder();
      CanonicalJson.append(c, o);
      prev = HistoryChain.sha256(c);
      o.put("hash", prev);
      outLines.add(o.toString());
    }
    return outLines;
  }

  @Test
  void exportedHistory_carriesTheRelaysSignatures_andVerifyNamesEveryTamperedRecord()
      throws Exception {
    Path trace = Traces.path("seph-blog1.json.gz");
    assertThat(run("type", "--profile", profile(), "blog", trace.toString(), "--limit", "450"))
        .isZero();
    String relayKey;
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) { // signs every 100 revisions
      String token = relay.user("alice");
      assertThat(
              run(
                  "sync",
                  "--profile",
                  profile(),
                  "--relay",
                  relay.uri().toString(),
                  "--token",
                  token))
          .as(err.toString())
          .isZero();
      relayKey = relay.signingKey();
    }
    long head;
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      head = store.document("blog").get().orElseThrow().head();
      assertThat(store.relaySignatures("blog").get())
          .as("kept in the profile")
          .extracting(s -> s.signature().revision())
          .contains(100L, 200L, head);
    }
    assertThat(head).isGreaterThan(300);

    Path file = dir.resolve("blog.history");
    List<String> lines = exported(file);
    assertThat(lines.get(0))
        .contains("\"relayKey\":\"" + relayKey + "\"")
        .contains("\"version\":3");
    assertThat(lines.get(indexOf(lines, "revision", 7))).contains("\"madeAt\":");
    int at100 = indexOf(lines, "relay", 100);
    assertThat(lines.get(at100 - 1)).contains("\"revision\":100,\"time\"");

    assertThat(run("verify", file.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "sequenced by the relay with key "
                + Ed25519.fingerprint(relayKey)
                + ": revisions 1.."
                + head
                + " signed (");

    assertDocsRecipeVerifies(file, relayKey);

    // Import checks the relay's signatures and keeps both times of every revision.
    assertThat(
            run("import", "--profile", dir.resolve("b").toString(), file.toString(), "--history"))
        .as(err.toString())
        .isZero();
    String copy = out.toString().trim();
    try (LocalStore a = LocalStore.open(dir.resolve("a"));
        LocalStore b = LocalStore.open(dir.resolve("b"))) {
      assertThat(b.revisions(copy, 1, head).get()).isEqualTo(a.revisions("blog", 1, head).get());
      assertThat(b.revisions(copy, 1, head).get())
          .anyMatch(r -> r.madeAtMillis() != r.timestampMillis());
    }

    // A revision changed with the file's chain recomputed: only the relay's signature catches it.
    List<String> forged = new ArrayList<>(lines);
    int r50 = indexOf(forged, "revision", 50);
    forged.set(r50, forged.get(r50).replace("\"author\":\"", "\"author\":\"mallory-"));
    assertThat(verify(rechain(forged)))
        .startsWith("1 ")
        .contains("line " + (at100 + 1) + ": the relay signature of revision 100")
        .contains("is not as the relay sequenced it")
        .contains("first bad revision: 1)");

    // A truncated signature.
    List<String> truncated = new ArrayList<>(lines);
    truncated.set(
        at100, truncated.get(at100).replaceAll("(\"signature\":\"[^\"]{20})[^\"]*\"", "$1\""));
    assertThat(verify(truncated))
        .startsWith("1 ")
        .contains("the relay signature of revision 100 has a relay signature that does not verify");

    // Signed by a key the header does not name: an unknown key.
    String stranger = Ed25519.publicKey(Ed25519.generate());
    List<String> unknown = new ArrayList<>(lines);
    unknown.set(at100, unknown.get(at100).replace(relayKey, stranger));
    assertThat(verify(unknown))
        .startsWith("1 ")
        .contains(
            "the relay signature of revision 100 is signed by " + Ed25519.fingerprint(stranger))
        .contains("an unknown key");

    // The header and the signatures naming another key (rechained): the signatures are by the
    // relay's, a wrong key for them.
    List<String> wrongKey = new ArrayList<>();
    for (String l : lines) {
      wrongKey.add(l.replace(relayKey, stranger));
    }
    assertThat(verify(rechain(wrongKey)))
        .startsWith("1 ")
        .contains("the relay signature of revision 100 has a relay signature that does not verify");

    // A relay record moved after another revision: reordered.
    List<String> moved = new ArrayList<>(lines);
    String record = moved.remove(at100);
    moved.add(at100 + 2, record);
    assertThat(verify(moved))
        .startsWith("1 ")
        .contains("the relay signature of revision 100 comes after revision 102");

    // A relay record added: a copy of the one of revision 200 after revision 100's.
    List<String> added = new ArrayList<>(lines);
    added.add(at100 + 1, lines.get(indexOf(lines, "relay", 200)));
    assertThat(verify(added))
        .startsWith("1 ")
        .contains(
            "line "
                + (at100 + 2)
                + ": the relay signature of revision 200 comes after revision 100");

    // A header that names no relay key (rechained): every relay record is by an unknown key.
    List<String> unnamed = new ArrayList<>(lines);
    unnamed.set(0, unnamed.get(0).replaceAll(",\"relayKey\":\"[^\"]*\"", ""));
    assertThat(verify(rechain(unnamed)))
        .startsWith("1 ")
        .contains(
            "the relay signature of revision 100 is signed by " + Ed25519.fingerprint(relayKey))
        .contains("not by the relay key the header names (none)");

    // Without a relay record, the rest still verifies, and the report says what is covered.
    List<String> without = new ArrayList<>(lines);
    without.removeIf(l -> l.contains("\"type\":\"relay\"") && !l.contains("\"revision\":100,"));
    assertThat(verify(without))
        .startsWith("0 ")
        .contains(
            "revisions 1..100 signed (1 relay signature(s) verified); revisions 101.." + head);
  }

  /**
   * The by-hand check of docs/history-format.md (jq, sha256sum, OpenSSL), run as written on the
   * file: other tools than Quire's recompute the relay's chain and verify its signature. .ci/run
   * installs those tools.
   */
  private void assertDocsRecipeVerifies(Path file, String relayKey) throws Exception {
    for (String tool : List.of("jq", "openssl", "sha256sum", "bash")) {
      boolean found = false;
      for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        found |= Files.isExecutable(Path.of(d, tool));
      }
      assertThat(found).as(tool + " is needed for this test (.ci/run installs it)").isTrue();
    }
    String doc = Files.readString(Path.of("..", "docs", "history-format.md"));
    int from = doc.indexOf("F=notes.history; R=1000");
    String script =
        doc.substring(from, doc.indexOf("```", from))
            .replace("F=notes.history; R=1000", "F='" + file + "'; R=100");
    Process p =
        new ProcessBuilder("bash", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String said =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String[] lines = said.split("\n");
    assertThat(lines).as(said).hasSize(3);
    assertThat(lines[0]).as(said).matches("[0-9a-f]{64}").isEqualTo(lines[1]);
    assertThat(lines[2]).isEqualTo("Signature Verified Successfully");
    assertThat(Files.readString(dir.resolve("relay.pub"))).contains(relayKey);
  }

  @Test
  void countersign_addsTheProfilesOwnKey_madeOnceAndKept() throws Exception {
    assertThat(
            run(
                "type",
                "--profile",
                profile(),
                "blog",
                Traces.path("seph-blog1.json.gz").toString(),
                "--limit",
                "120"))
        .isZero();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      assertThat(
              run(
                  "sync",
                  "--profile",
                  profile(),
                  "--relay",
                  relay.uri().toString(),
                  "--token",
                  token))
          .as(err.toString())
          .isZero();
    }
    Path file = dir.resolve("signed.history");
    exported(file, "--countersign", "--checkpoint-every", "50");
    Matcher m =
        Pattern.compile("countersigned with this profile's key (ed25519:[0-9a-f]{16})")
            .matcher(err.toString());
    assertThat(m.find()).as(err.toString()).isTrue();
    String device = m.group(1);
    assertThat(run("verify", file.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("signed by " + device)
        .contains("sequenced by the relay with key");

    // countersign: the same key added to a file exported without it, once.
    Path plain = dir.resolve("plain.history");
    exported(plain, "--checkpoint-every", "50");
    assertThat(run("countersign", "--profile", profile(), plain.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .isEqualTo("countersigned 3 checkpoint(s) of revisions 1..120 with " + device + "\n");
    assertThat(run("verify", plain.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("signed by " + device)
        .contains("sequenced by the relay with key");
    assertThat(run("countersign", "--profile", profile(), plain.toString())).isZero();
    assertThat(out.toString()).startsWith("countersigned 0 checkpoint(s)");
    List<String> tampered = Files.readAllLines(plain);
    tampered.set(5, tampered.get(5).replace("\"author\":\"", "\"author\":\"x"));
    Files.write(plain, tampered);
    assertThat(run("countersign", "--profile", profile(), plain.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("line 6: the record of revision 5")
        .contains("nothing was signed");
    assertThat(Files.readAllLines(plain)).isEqualTo(tampered);

    exported(dir.resolve("again.history"), "--countersign");
    assertThat(err.toString()).as("the same key on the next export").contains(device);
    try (LocalStore store = LocalStore.open(dir.resolve("a"))) {
      assertThat(Signatures.fingerprint(Signatures.Signer.of(store.deviceKey().get()).publicKey()))
          .isEqualTo(device);
    }
  }
}
