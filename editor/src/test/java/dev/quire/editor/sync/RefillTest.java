package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.cli.QuireCli;
import dev.quire.editor.store.LocalStore;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.HistoryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A relay that lost its data is refilled from its clients' profiles ({@code quire sync --refill}):
 * alice owns document A, bob owns B and saw more of A than alice; after the relay's data directory
 * is wiped, every revision of both comes back with its author, client, batch, relay time and
 * author's time as before, and the edits bob had not sent yet follow them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RefillTest {
  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int quire(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private static List<WireSequenced> history(TestRelay relay, String doc) {
    HistoryStore h = relay.relay().store().history();
    List<WireSequenced> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<WireSequenced> page = h.page(doc, after, 1000);
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).lastRevision();
    }
  }

  private static void share(TestClient c, String doc, String user) throws Exception {
    c.owner.call(() -> c.engine.share(doc, user, Role.EDITOR)).get(30, TimeUnit.SECONDS);
  }

  private static void create(TestClient c, String doc) throws Exception {
    c.store.createDocument(doc, "Title of " + doc, 1_600_000_000_000L, false, List.of()).get();
  }

  @Test
  void aWipedRelay_isRefilledFromTwoProfiles_withEveryRevisionAuthorAndTimeAsBefore()
      throws Exception {
    Path data = dir.resolve("relay");
    Path pa = dir.resolve("alice");
    Path pb = dir.resolve("bob");
    TestRelay relay = TestRelay.start(data);
    int port = relay.uri().getPort();
    String ta = relay.user("alice");
    String tb = relay.user("bob");

    try (TestClient alice = new TestClient(pa, relay.uri(), ta, "alice")) {
      create(alice, "a");
      DocumentSession a = alice.open("a");
      alice.start();
      alice.edit(a, 0, 0, "alpha ");
      alice.awaitSettled();
      share(alice, "a", "bob");
      alice.edit(a, 6, 0, "beta ");
      alice.awaitSettled();
    }
    try (TestClient bob = new TestClient(pb, relay.uri(), tb, "bob")) {
      create(bob, "b");
      DocumentSession b = bob.open("b");
      bob.addRemoteDocument("a");
      DocumentSession a = bob.open("a");
      bob.start();
      bob.edit(b, 0, 0, "bravo");
      bob.awaitSettled();
      share(bob, "b", "alice");
      bob.edit(a, 0, 0, "[bob] ");
      bob.awaitSettled();
    }
    try (TestClient alice = new TestClient(pa, relay.uri(), ta, "alice")) {
      alice.addRemoteDocument("b");
      alice.open("a");
      alice.open("b");
      alice.start();
      alice.awaitSettled();
    }
    try (TestClient bob = new TestClient(pb, relay.uri(), tb, "bob")) {
      DocumentSession a = bob.open("a");
      DocumentSession b = bob.open("b");
      bob.start();
      bob.awaitSettled();
      bob.edit(a, 0, 0, "seen by bob only: "); // the end of a that alice never saw
      bob.awaitSettled();
      bob.stop();
      bob.edit(a, 0, 0, "unsent "); // and edits the relay never had
      bob.edit(b, 5, 0, " unsent");
    }
    List<WireSequenced> beforeA = history(relay, "a");
    List<WireSequenced> beforeB = history(relay, "b");
    assertThat(beforeA).extracting(WireSequenced::author).contains("alice", "bob");
    long aliceSawOfA;
    try (LocalStore s = LocalStore.open(pa)) {
      aliceSawOfA = s.document("a").get().orElseThrow().head();
    }
    assertThat(aliceSawOfA).isLessThan(beforeA.get(beforeA.size() - 1).lastRevision());

    // The relay loses its data: a new, empty one on the same address, its users added again.
    relay.close();
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    relay = TestRelay.startOn(data, port);
    try {
      String ta2 = relay.user("alice");
      String tb2 = relay.user("bob");
      String uri = relay.uri().toString();

      // Not without asking: the relay's identity changed.
      assertThat(quire("sync", "--profile", pa.toString(), "--relay", uri, "--token", ta2))
          .as(err.toString())
          .isEqualTo(1);
      assertThat(err.toString()).contains("another identity").contains("--refill");
      assertThat(relay.relay().store().documents().find("a")).isEmpty();

      // alice refills a (what she has of it); b waits for its owner.
      assertThat(quire("sync", "--profile", pa.toString(), "--refill", "--timeout", "30"))
          .as(err.toString())
          .isEqualTo(1);
      assertThat(err.toString()).contains("b: the relay does not have this document");
      int prefix = 0;
      while (prefix < beforeA.size() && beforeA.get(prefix).lastRevision() <= aliceSawOfA) {
        prefix++;
      }
      assertThat(history(relay, "a")).isEqualTo(beforeA.subList(0, prefix));

      // bob adds the end of a he saw, refills b, then sends what he had not sent.
      assertThat(
              quire(
                  "sync",
                  "--profile",
                  pb.toString(),
                  "--relay",
                  uri,
                  "--token",
                  tb2,
                  "--refill",
                  "--timeout",
                  "30"))
          .as(err.toString())
          .isZero();
      // alice gets b back, and the end of a.
      assertThat(quire("sync", "--profile", pa.toString(), "--timeout", "30"))
          .as(err.toString())
          .isZero();

      List<WireSequenced> afterA = history(relay, "a");
      List<WireSequenced> afterB = history(relay, "b");
      assertThat(afterA.subList(0, beforeA.size())).isEqualTo(beforeA);
      assertThat(afterB.subList(0, beforeB.size())).isEqualTo(beforeB);
      assertThat(afterA.subList(beforeA.size(), afterA.size()))
          .extracting(WireSequenced::author)
          .containsOnly("bob")
          .isNotEmpty();
      assertThat(afterB).hasSizeGreaterThan(beforeB.size());
      assertThat(relay.relay().store().uploads().uploadedBy("a", 1)).isEqualTo("alice");
      assertThat(
              relay
                  .relay()
                  .store()
                  .uploads()
                  .uploadedBy("a", beforeA.get(beforeA.size() - 1).firstRevision()))
          .isEqualTo("bob");

      try (LocalStore s = LocalStore.open(pa)) {
        assertThat(s.localText("a").get()).startsWith("unsent seen by bob only: [bob] alpha beta");
        assertThat(s.localText("b").get()).isEqualTo("bravo unsent");
      }
      try (LocalStore s = LocalStore.open(pb)) {
        assertThat(s.document("a").get().orElseThrow().pending()).isZero();
        assertThat(s.localText("a").get()).isEqualTo("unsent seen by bob only: [bob] alpha beta ");
      }
    } finally {
      relay.close();
    }
  }
}
