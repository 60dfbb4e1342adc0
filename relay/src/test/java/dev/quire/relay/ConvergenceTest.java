package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientSync;
import dev.quire.ot.sync.Delivery;
import dev.quire.ot.sync.MemoryLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients on many documents, each running the engine's {@link ClientSync} on its own thread,
 * type at random (astral characters included) while reconnecting now and then; once all is
 * delivered, every replica's text equals the relay's head text.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ConvergenceTest {
  static final String[] SNIPPETS = {"a", "bc", "😀", "é", "🇫🇷", "\n", "xyz"};

  @TempDir Path dir;

  @Test
  void concurrentClientsOnManyDocuments_convergeWithTheRelaysHeadText() throws Exception {
    run(4, 3, 40);
  }

  @Test
  @Tag("slow")
  void manyMoreClientsAndEdits_convergeWithTheRelaysHeadText() throws Exception {
    run(10, 5, 300);
  }

  private void run(int documents, int clientsPerDocument, int edits) throws Exception {
    try (Relay relay = RelayFixture.start(dir, b -> b.checkpointInterval(25))) {
      List<String> tokens = new ArrayList<>();
      for (int c = 0; c < clientsPerDocument; c++) {
        tokens.add(relay.store().users().add("user" + c));
      }
      TestClient owner = TestClient.login(relay.port(), tokens.get(0), "owner");
      for (int d = 0; d < documents; d++) {
        RelayFixture.create(owner, "doc" + d);
        for (int c = 1; c < clientsPerDocument; c++) {
          owner.send(new ClientMessage.Share("doc" + d, "user" + c, Role.EDITOR));
          owner.expect(ServerMessage.Shared.class);
        }
      }
      ExecutorService threads = Executors.newFixedThreadPool(documents * clientsPerDocument);
      List<Future<Replica>> replicas = new ArrayList<>();
      for (int d = 0; d < documents; d++) {
        for (int c = 0; c < clientsPerDocument; c++) {
          Replica r =
              new Replica(
                  edits, relay.port(), tokens.get(c), "doc" + d, "c" + d + "-" + c, 31L * d + c);
          replicas.add(threads.submit(() -> r.run()));
        }
      }
      List<Replica> done = new ArrayList<>();
      for (Future<Replica> f : replicas) {
        done.add(f.get(500, TimeUnit.SECONDS));
      }
      threads.shutdown();
      for (Replica r : done) {
        r.settle(relay.store().documents().find(r.doc).orElseThrow().head());
      }
      for (Replica r : done) {
        String relayText = RelayFixture.storedText(relay, r.doc);
        assertThat(r.text).as(r.clientId).isEqualTo(relayText);
        assertThat(CodePoints.count(relayText)).isPositive();
      }
    }
  }

  /** One client of one document. Everything but the socket's own thread runs on {@link #run}. */
  static final class Replica {
    final int edits;
    final int port;
    final String token;
    final String doc;
    final String clientId;
    final Random random;
    final ClientSync sync;
    String text = "";
    TestClient socket;
    String user;

    Replica(int edits, int port, String token, String doc, String clientId, long seed) {
      this.edits = edits;
      this.port = port;
      this.token = token;
      this.doc = doc;
      this.clientId = clientId;
      this.random = new Random(seed);
      this.sync = new ClientSync(clientId, new MemoryLog(), 5);
    }

    Replica run() throws Exception {
      connect();
      for (int i = 0; i < edits; i++) {
        edit();
        sendNext();
        drain(random.nextInt(3));
        if (i == edits / 2 && random.nextBoolean()) {
          socket.closeBlocking(); // drop the connection with a batch perhaps in flight
          sync.connectionLost();
          connect();
        }
      }
      while (!sync.isSynchronised()) {
        sendNext();
        handle(socket.next());
      }
      return this;
    }

    /** Takes live messages until the replica has every revision up to {@code head}. */
    void settle(long head) throws Exception {
      while (sync.revision() < head) {
        handle(socket.next());
      }
    }

    private void connect() throws Exception {
      socket = TestClient.login(port, token, clientId);
      user = null;
      long after = sync.revision();
      while (true) {
        socket.send(new ClientMessage.Open(doc, after, false));
        ServerMessage.History h = socket.expect(ServerMessage.History.class);
        for (WireSequenced w : h.batches()) {
          deliver(w);
        }
        if (h.complete()) {
          break;
        }
        after = sync.revision();
      }
      sendNext();
    }

    private void edit() {
      int length = sync.localLength();
      int position = length == 0 ? 0 : random.nextInt(length + 1);
      int delete = position < length && random.nextInt(4) == 0 ? 1 : 0;
      String insert = SNIPPETS[random.nextInt(SNIPPETS.length)];
      TextOperation op = TextOperation.splice(length, position, delete, insert);
      text = op.apply(text);
      sync.localEdit(op);
    }

    private void sendNext() {
      Optional<Batch> next = sync.nextBatch();
      next.ifPresent(b -> socket.send(new ClientMessage.Submit(doc, WireBatch.of(b, 1_000L))));
    }

    /** Handles what arrives within {@code millis}, then whatever else is already there. */
    private void drain(int millis) throws Exception {
      ServerMessage m = socket.poll(millis);
      while (m != null) {
        handle(m);
        m = socket.poll(0);
      }
    }

    private void handle(ServerMessage m) {
      if (m instanceof ServerMessage.Ack a) {
        Delivery d =
            sync.acknowledge(a.batchSeq(), a.firstRevision(), sync.clientId(), a.timestampMillis());
        assertThat(d.status()).isNotEqualTo(Delivery.Status.GAP);
        sendNext();
      } else if (m instanceof ServerMessage.Sequenced s) {
        for (WireSequenced w : s.batches()) {
          boolean own = w.batch().clientId().equals(sync.clientId());
          deliver(w);
          if (own) {
            sendNext(); // that was our acknowledgement
          }
        }
      } else if (!(m instanceof ServerMessage.Leave)) { // others reconnecting
        throw new AssertionError(clientId + " got " + m);
      }
    }

    private void deliver(WireSequenced w) {
      Delivery d = sync.receive(w.toSequencedBatch());
      assertThat(d.status()).isNotEqualTo(Delivery.Status.GAP);
      for (TextOperation op : d.toApply()) {
        text = op.apply(text);
      }
    }
  }
}
