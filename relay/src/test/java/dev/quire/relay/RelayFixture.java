package dev.quire.relay;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.relay.store.HistoryStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Starts relays on free ports with data in a test's temporary directory. */
final class RelayFixture {
  private RelayFixture() {}

  static final Limits TEST_LIMITS = new Limits(64 * 1024, 50, 10, 1000, 1000);

  static RelayConfig.Builder config(Path dir) {
    return RelayConfig.builder(dir.resolve("data"))
        .port(0)
        .metricsPort(-1)
        .limits(TEST_LIMITS)
        .checkpointInterval(10)
        .workerThreads(2);
  }

  static Relay start(Path dir) {
    return Relay.start(config(dir).build());
  }

  static Relay start(Path dir, UnaryOperator<RelayConfig.Builder> tweak) {
    return Relay.start(tweak.apply(config(dir)).build());
  }

  /** A batch of one insert at the end of a document of {@code length} code points. */
  static WireBatch append(String clientId, long seq, long base, int length, String text) {
    TextOperation op =
        length == 0
            ? TextOperation.builder().insert(text).build()
            : TextOperation.builder().retain(length).insert(text).build();
    return WireBatch.of(new Batch(clientId, seq, base, List.of(op)), 1_000L);
  }

  /** Creates {@code doc} as the client's user and waits for the answer. */
  static void create(TestClient c, String doc) throws InterruptedException {
    c.send(new ClientMessage.Create(doc, "Title of " + doc));
    c.expect(ServerMessage.Created.class);
  }

  /** The text of {@code doc} at its head, as the relay stored it (readable mode). */
  static String storedText(Relay relay, String doc) {
    HistoryStore history = relay.store().history();
    long head = relay.store().documents().find(doc).orElseThrow().head();
    return DocumentText.load(doc, history, head, 1000).text();
  }

  /** Opens {@code doc} from {@code from}, following pages, and returns every batch. */
  static List<WireSequenced> openAll(TestClient c, String doc, long from)
      throws InterruptedException {
    List<WireSequenced> all = new ArrayList<>();
    long after = from;
    while (true) {
      c.send(new ClientMessage.Open(doc, after, false));
      ServerMessage.History h = c.expect(ServerMessage.History.class);
      all.addAll(h.batches());
      if (h.complete()) {
        return all;
      }
      after = h.batches().get(h.batches().size() - 1).lastRevision();
    }
  }
}
