package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.cli.QuireCli;
import dev.quire.editor.crypto.BatchContent;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.PayloadKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A relay that lost its data gets an encrypted document back from its owner's profile ({@code quire
 * sync --refill}): the very sealed batches every member's copy was built from, the document
 * encrypted again, and its key epochs back to the last one, so that members go on co-editing under
 * the current key.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EncryptedRefillTest {
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

  @Test
  void aWipedRelay_isRefilledWithTheSealedBatches_andTheEpochs_andCoEditingGoesOn()
      throws Exception {
    Path data = dir.resolve("relay");
    Path pa = dir.resolve("alice");
    Path pb = dir.resolve("bob");
    TestRelay relay = TestRelay.start(data);
    int port = relay.uri().getPort();
    String ta = relay.user("alice");
    String tb = relay.user("bob");
    relay.user("carol");
    try (TestClient alice = new TestClient(pa, relay.uri(), ta, "alice")) {
      alice.store.createDocument("secret", "Plans", 1, false, List.of()).get();
      alice.engine.keyring().newDocument("secret").get();
      DocumentSession a = alice.open("secret");
      alice.start();
      alice.edit(a, 0, 0, "hello");
      alice.awaitSettled();
      alice
          .owner
          .call(() -> alice.engine.share("secret", "bob", Role.EDITOR))
          .get(30, TimeUnit.SECONDS);
      alice
          .owner
          .call(() -> alice.engine.share("secret", "carol", Role.EDITOR))
          .get(30, TimeUnit.SECONDS);
      alice.owner.call(() -> alice.engine.share("secret", "carol", null)).get(30, TimeUnit.SECONDS);
      assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
      alice.edit(a, 5, 0, " world");
      alice.awaitSettled();
      try (TestClient bob = new TestClient(pb, relay.uri(), tb, "bob")) {
        bob.start(); // alice, online, seals the keys for bob's device once it is registered
        bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
        TestClient.await("bob has it", () -> bob.store.document("secret").join().isPresent());
        DocumentSession b = bob.open("secret");
        TestClient.await("bob reads it", () -> bob.text(b).equals("hello world"));
        bob.edit(b, 0, 0, "[bob] ");
        bob.awaitSettled();
      }
      TestClient.await("alice has bob's edit", () -> alice.text(a).startsWith("[bob] "));
      alice.awaitSettled();
    }
    List<WireSequenced> before = relay.relay().store().history().page("secret", 0, 1000);
    assertThat(before).extracting(WireSequenced::author).contains("alice", "bob");

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
      assertThat(
              quire(
                  "sync",
                  "--profile",
                  pa.toString(),
                  "--relay",
                  uri,
                  "--token",
                  ta2,
                  "--refill",
                  "--timeout",
                  "30"))
          .as(err.toString())
          .isZero();
      assertThat(relay.relay().store().history().page("secret", 0, 1000)).isEqualTo(before);
      assertThat(relay.relay().store().documents().find("secret").orElseThrow().payload())
          .isEqualTo(PayloadKind.ENCRYPTED);
      assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
      // The title comes back sealed, never in plain text (protocol 8).
      var refilled = relay.relay().store().documents().find("secret").orElseThrow();
      assertThat(refilled.title()).isEqualTo(dev.quire.ot.protocol.SealedTitle.PLACEHOLDER);
      assertThat(refilled.sealedTitle()).isNotNull();

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
      try (TestClient bob = new TestClient(pb, relay.uri(), tb2, "bob");
          TestClient alice = new TestClient(pa, relay.uri(), ta2, "alice")) {
        DocumentSession b = bob.open("secret");
        DocumentSession a = alice.open("secret");
        bob.start();
        alice.start();
        bob.edit(b, bob.text(b).length(), 0, " after the refill");
        TestClient.await(
            "alice has bob's edit",
            () -> alice.text(a).equals("[bob] hello world after the refill"));
        List<WireSequenced> now = relay.relay().store().history().page("secret", 0, 1000);
        assertThat(now.subList(0, before.size())).isEqualTo(before);
        WireSequenced last = now.get(now.size() - 1);
        assertThat(last.author()).isEqualTo("bob");
        assertThat(BatchContent.sealedOf(last.batch()).epoch()).isEqualTo(2);
        assertThat(alice.problems).isEmpty();
        assertThat(bob.problems).isEmpty();
      }
    } finally {
      relay.close();
    }
  }
}
