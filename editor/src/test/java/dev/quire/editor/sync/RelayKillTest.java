package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.Revision;
import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.EmbeddedStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The relay, a real process, is killed with SIGKILL during sync and started again. */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RelayKillTest {
  @TempDir Path dir;

  private Process startRelay(Path data, int port) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.quire.relay.RelayMain",
                "--data",
                data.toString(),
                "--port",
                String.valueOf(port),
                "--metrics-port",
                "-1")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("relay's first line").startsWith("listening on ");
    return p;
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void relayKilledDuringSync_clientsReconnectByThemselvesAndConverge() throws Exception {
    Path data = dir.resolve("relay");
    String at;
    String bt;
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      at = store.users().add("alice");
      bt = store.users().add("bob");
      store.documents().create("doc", "Doc", "alice", 1);
      store.documents().setRole("doc", "bob", Role.EDITOR);
    }
    int port = freePort();
    URI uri = URI.create("ws://127.0.0.1:" + port + "/");
    Process relay = startRelay(data, port);
    try (TestClient alice = new TestClient(dir.resolve("alice"), uri, at, "alice");
        TestClient bob = new TestClient(dir.resolve("bob"), uri, bt, "bob")) {
      alice.addRemoteDocument("doc");
      bob.addRemoteDocument("doc");
      DocumentSession a = alice.open("doc");
      DocumentSession b = bob.open("doc");
      alice.start();
      bob.start();
      Typist ta = new Typist(21);
      Typist tb = new Typist(22);
      int each = 0;
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 20; i++) { // typing while the relay works, and dies
          alice.owner.run(() -> ta.type(a));
          bob.owner.run(() -> tb.type(b));
          each++;
          Thread.sleep(5); // typing pace: the relay works, and is killed, between keystrokes
        }
        relay.destroyForcibly(); // SIGKILL, batches in flight
        relay.waitFor(30, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) { // typing offline
          alice.owner.run(() -> ta.type(a));
          bob.owner.run(() -> tb.type(b));
          each++;
        }
        relay = startRelay(data, port);
      }
      alice.awaitSettled();
      bob.awaitSettled();
      long total = 2L * each;
      TestClient.await(
          "both at " + total,
          () -> alice.onOwner(a::revision) == total && bob.onOwner(b::revision) == total);
      assertThat(alice.text(a)).isEqualTo(bob.text(b));
      List<Revision> ra = alice.store.revisions("doc", 1, total).get();
      assertThat(ra).isEqualTo(bob.store.revisions("doc", 1, total).get());
      assertThat(ra.stream().filter(r -> r.author().equals("alice")).count()).isEqualTo(each);
    } finally {
      relay.destroyForcibly();
      relay.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
