package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Documents that are slow to read must not hold up the others. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WakingTest {
  @TempDir Path dir;

  /**
   * Reads through the store's loader, except that, once {@link #hold} is called, reading the
   * sequencer state of the {@code slow} documents waits until {@link #release}.
   */
  static final class GatedLoader implements DocumentLoader {
    private final Set<String> slow;
    private volatile DocumentLoader inner;
    private volatile boolean holding;
    final CountDownLatch entered;
    private final CountDownLatch released = new CountDownLatch(1);

    GatedLoader(Set<String> slow) {
      this.slow = slow;
      this.entered = new CountDownLatch(slow.size());
    }

    DocumentLoader around(DocumentLoader loader) {
      inner = loader;
      return this;
    }

    void hold() {
      holding = true;
    }

    void release() {
      released.countDown();
    }

    @Override
    public Optional<DocumentRow> row(String doc) {
      return inner.row(doc);
    }

    @Override
    public Optional<Role> role(String doc, String user) {
      return inner.role(doc, user);
    }

    @Override
    public SequencerState sequencerState(DocumentRow row) {
      if (holding && slow.contains(row.id())) {
        entered.countDown();
        try {
          released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return inner.sequencerState(row);
    }
  }

  @Test
  void aFollowedDocument_keepsAnswering_whileTwoOthersAreSlowToLoad() throws Exception {
    GatedLoader gate = new GatedLoader(Set.of("slow1", "slow2"));
    try (Relay relay = Relay.start(RelayFixture.config(dir).build(), gate::around)) {
      try {
        wakeWhileOthersLoad(relay, gate);
      } finally {
        gate.release(); // before the relay stops: it finishes what is queued
      }
    }
  }

  private static void wakeWhileOthersLoad(Relay relay, GatedLoader gate) throws Exception {
    String token = relay.store().users().add("alice");
    TestClient warm = TestClient.login(relay.port(), token, "c-warm");
    RelayFixture.create(warm, "warm");
    TestClient w1 = TestClient.login(relay.port(), token, "c-slow1");
    RelayFixture.create(w1, "slow1");
    TestClient w2 = TestClient.login(relay.port(), token, "c-slow2");
    RelayFixture.create(w2, "slow2");
    // One user: each connection is told of the documents created on the later ones.
    warm.expect(ServerMessage.Available.class);
    warm.expect(ServerMessage.Available.class);
    w1.expect(ServerMessage.Available.class);
    warm.send(new ClientMessage.Open("warm", 0, false));
    warm.expect(ServerMessage.History.class);
    warm.send(new ClientMessage.Submit("warm", append("c-warm", 1, 0, 0, "a")));
    warm.expectAck();

    gate.hold();
    w1.send(new ClientMessage.Submit("slow1", append("c-slow1", 1, 0, 0, "x")));
    w1.send(new ClientMessage.Open("slow1", 0, false));
    w2.send(new ClientMessage.Submit("slow2", append("c-slow2", 1, 0, 0, "y")));
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).as("both documents loading").isTrue();
    // The relay runs two threads for documents (RelayFixture), as many as are loading.
    for (int seq = 2; seq <= 6; seq++) {
      warm.send(new ClientMessage.Submit("warm", append("c-warm", seq, seq - 1, seq - 1, "a")));
      ServerMessage m = warm.poll(1000);
      assertThat(m)
          .as("batch %d of the followed document, within 1 s, while two others load", seq)
          .isInstanceOf(ServerMessage.Sequenced.class);
      assertThat(((ServerMessage.Sequenced) m).batches().get(0).firstRevision()).isEqualTo(seq);
    }
    assertThat(w1.pending()).as("nothing answered before its document is read").isZero();

    gate.release();
    assertThat(w1.expectAck().firstRevision()).isEqualTo(1);
    ServerMessage.History h = w1.expect(ServerMessage.History.class); // after it, in order
    assertThat(h.batches()).hasSize(1);
    assertThat(h.head()).isEqualTo(1);
    assertThat(w2.expectAck().firstRevision()).isEqualTo(1);
  }

  @Test
  void requestsSentRightBehindHello_areAnsweredAfterIt_inOrder() throws Exception {
    try (Relay relay = RelayFixture.start(dir)) {
      String token = relay.store().users().add("alice");
      TestClient c = TestClient.connect(relay.port());
      // Hello is checked on another thread than the connection's: what follows must wait for it.
      c.send(new ClientMessage.Hello(ProtocolCodec.VERSION, token, "ca"));
      c.send(new ClientMessage.Create("d", "T"));
      c.send(new ClientMessage.Submit("d", append("ca", 1, 0, 0, "x")));
      assertThat(c.expect(ServerMessage.Welcome.class).user()).isEqualTo("alice");
      c.expect(ServerMessage.Created.class);
      assertThat(c.expectAck().firstRevision()).isEqualTo(1);

      TestClient wrong = TestClient.connect(relay.port());
      wrong.send(new ClientMessage.Hello(ProtocolCodec.VERSION, "not-a-token", "cw"));
      wrong.send(new ClientMessage.ListDocuments());
      assertThat(wrong.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
      assertThat(wrong.awaitClosed()).isTrue();
      assertThat(wrong.pending()).as("nothing answered behind the refused hello").isZero();
    }
  }
}
