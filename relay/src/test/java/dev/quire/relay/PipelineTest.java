package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits are sequenced while earlier batches are still being committed; everything else waits for
 * those commits. Seen from clients, nothing of that may show: acks in order and only once, resends
 * answered with the first revisions, and a reader who opens meanwhile gets every revision once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineTest {
  @TempDir Path dir;

  @Test
  void manyBatchesInFlight_withResendsAndReadersOpeningMeanwhile_showNoGapNoDuplicate()
      throws Exception {
    int perWriter = 150;
    // Pages large enough that the reader's first open can reach the head while batches commit.
    Limits limits = new Limits(256 * 1024, 50, 1000, 100_000, 100_000);
    try (Relay relay = RelayFixture.start(dir, b -> b.limits(limits))) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      TestClient bob = TestClient.login(relay.port(), relay.store().users().add("bob"), "cb");
      String carolToken = relay.store().users().add("carol");
      RelayFixture.create(alice, "doc");
      for (String u : List.of("bob", "carol")) {
        alice.send(new ClientMessage.Share("doc", u, u.equals("bob") ? Role.EDITOR : Role.VIEWER));
        alice.expect(ServerMessage.Shared.class);
      }
      TestClient carol = TestClient.login(relay.port(), carolToken, "cc");
      // Base 0 and an insert at the start fit any head, so nobody waits for an ack.
      List<WireBatch> aliceBatches = new ArrayList<>();
      for (int i = 1; i <= perWriter; i++) {
        WireBatch a = append("ca", i, 0, 0, "a");
        aliceBatches.add(a);
        alice.send(new ClientMessage.Submit("doc", a));
        bob.send(new ClientMessage.Submit("doc", append("cb", i, 0, 0, "b")));
        if (i % 50 == 0) {
          alice.send(new ClientMessage.Submit("doc", aliceBatches.get(i - 10))); // a resend
        }
        if (i == perWriter / 2) {
          carol.send(new ClientMessage.Open("doc", 0, false)); // while batches are committing
        }
      }
      List<WireSequenced> seen = new ArrayList<>();
      while (true) {
        ServerMessage.History h = carol.expect(ServerMessage.History.class);
        seen.addAll(h.batches());
        if (h.complete()) {
          break;
        }
        carol.send(new ClientMessage.Open("doc", seen.get(seen.size() - 1).lastRevision(), false));
      }

      Map<Long, Long> firstAck = new HashMap<>(); // batch seq -> first revision
      long lastFresh = 0;
      int acks = 0;
      while (acks < perWriter + perWriter / 50) {
        ServerMessage m = alice.next();
        if (m instanceof ServerMessage.Ack a) {
          acks++;
          Long earlier = firstAck.putIfAbsent(a.batchSeq(), a.firstRevision());
          if (earlier == null) {
            assertThat(a.firstRevision()).as("acks in revision order").isGreaterThan(lastFresh);
            lastFresh = a.firstRevision();
          } else {
            assertThat(a.firstRevision()).as("a resend gets its first revision").isEqualTo(earlier);
          }
        }
      }
      assertThat(firstAck).hasSize(perWriter);
      long total = 2L * perWriter;
      long last = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).lastRevision();
      while (last < total) {
        for (WireSequenced w : carol.expect(ServerMessage.Sequenced.class).batches()) {
          seen.add(w);
          last = w.lastRevision();
        }
      }
      for (int i = 0; i < seen.size(); i++) {
        assertThat(seen.get(i).firstRevision()).as("revision " + (i + 1)).isEqualTo(i + 1);
      }
      assertThat(seen).hasSize((int) total);
      carol.expectSilence(200);
      assertThat(relay.store().documents().find("doc").orElseThrow().head()).isEqualTo(total);
      String text = RelayFixture.storedText(relay, "doc");
      assertThat(text.chars().filter(c -> c == 'a').count()).isEqualTo(perWriter);
      assertThat(text.chars().filter(c -> c == 'b').count()).isEqualTo(perWriter);
    }
  }
}
