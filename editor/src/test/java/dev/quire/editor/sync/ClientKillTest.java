package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.ot.bench.Traces;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client process typing into a synced document is killed with SIGKILL; restarted, it sends
 * every edit it had saved exactly once, and it had saved every edit made longer ago than the
 * durability bound.
 */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientKillTest {
  private static final double RATE = 200;

  /**
   * Edits typed less than this long before the kill may be lost. The bound measured on a quiet
   * machine is milliseconds; this is generous so that a loaded test machine does not fail it.
   */
  private static final long ALLOWANCE_NANOS = TimeUnit.SECONDS.toNanos(1);

  @TempDir Path dir;

  @Test
  void killedWhileTyping_everySavedEditIsSentExactlyOnceAfterRestart() throws Exception {
    Path tracePath = Traces.path("seph-blog1.json.gz");
    Trace trace = TraceReader.read(tracePath);
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      Path profile = dir.resolve("alice");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.quire.editor.cli.QuireCli",
                  "type",
                  "--profile",
                  profile.toString(),
                  "doc",
                  tracePath.toString(),
                  "--rate",
                  String.valueOf(RATE),
                  "--progress",
                  "--relay",
                  relay.uri().toString(),
                  "--token",
                  token)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      AtomicInteger typed = new AtomicInteger();
      java.util.concurrent.ConcurrentSkipListMap<Long, Integer> typedAt =
          new java.util.concurrent.ConcurrentSkipListMap<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("typed ")) {
                      typed.set(Integer.parseInt(line.substring(6).trim()));
                      typedAt.put(System.nanoTime(), typed.get());
                    }
                  }
                } catch (java.io.IOException | NumberFormatException e) {
                  // the process died: that is the point
                }
              });
      reader.start();
      TestClient.await("typing under way", () -> typed.get() >= 600);
      long killedAt = System.nanoTime();
      p.destroyForcibly(); // SIGKILL
      var before = typedAt.floorEntry(killedAt - ALLOWANCE_NANOS);
      int mustHaveSaved = before == null ? 0 : before.getValue();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(5000);

      int saved;
      try (LocalStore store = LocalStore.open(profile)) {
        String local = store.localText("doc").get();
        var d = store.document("doc").get().orElseThrow();
        saved = (int) (d.head() + d.pending()) - initialEdits(trace);
        assertThat(local).isEqualTo(prefix(trace, saved));
      }
      assertThat(saved).isBetween(mustHaveSaved, typed.get());

      try (TestClient again = new TestClient(profile, relay.uri(), token, "alice")) {
        DocumentSession s = again.open("doc");
        again.start();
        again.awaitSettled();
        assertThat(again.status(s).isSynced()).isTrue();
        long head = again.onOwner(s::revision);
        assertThat(head).isEqualTo(saved + initialEdits(trace));
        List<Revision> all = again.store.revisions("doc", 1, head).get();
        assertThat(all).hasSize((int) head);
        assertThat(again.text(s)).isEqualTo(prefix(trace, saved));
      }
      // The relay has each edit exactly once: a second profile sees the same text.
      String bobToken = relay.user("bob");
      relay.relay().store().documents().setRole("doc", "bob", dev.quire.ot.protocol.Role.VIEWER);
      try (TestClient bob = new TestClient(dir.resolve("bob"), relay.uri(), bobToken, "bob")) {
        bob.addRemoteDocument("doc");
        DocumentSession b = bob.open("doc");
        bob.start();
        bob.awaitSettled();
        assertThat(bob.text(b)).isEqualTo(prefix(trace, saved));
        assertThat(bob.onOwner(b::revision)).isEqualTo((long) saved + initialEdits(trace));
      }
    }
  }

  private static int initialEdits(Trace trace) {
    return trace.startContent().isEmpty() ? 0 : 1;
  }

  private static String prefix(Trace trace, int n) {
    GapBuffer text = new GapBuffer(trace.startContent());
    List<Trace.Patch> patches = new ArrayList<>();
    trace.txns().forEach(t -> patches.addAll(t.patches()));
    for (Trace.Patch p : patches.subList(0, n)) {
      text.apply(TextOperation.splice(text.length(), p.position(), p.deleteCount(), p.text()));
    }
    return text.toString();
  }
}
