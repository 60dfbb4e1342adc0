package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.DocumentStore;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.PayloadKind;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document's submits against a storage with other writers, without a network: the test plays the
 * appender, deciding each run as a shared database would (committed, conflict with the batches
 * missed, failed), and reads what the submitter is sent.
 */
class DocumentSubmitsTest {
  private static final String DOC = "doc";

  @TempDir Path dir;
  private EmbeddedStorage store;
  private ExecutorService pool;
  private ExecutorService loadPool;
  private ScheduledExecutorService timer;
  private final ScriptedAppender appender = new ScriptedAppender();
  private final AtomicInteger stateReads = new AtomicInteger();
  private final BlockingQueue<ServerMessage> sent = new LinkedBlockingQueue<>();
  private DocumentActor actor;
  private Session alice;

  /** Runs handed to the storage, each decided by the test. */
  private static final class ScriptedAppender implements BatchAppender {
    record Run(List<Append> appends, RunCallback callback) {}

    final BlockingQueue<Run> runs = new LinkedBlockingQueue<>();

    @Override
    public void append(Append append, Callback callback) {
      throw new AssertionError("a shared document appends runs");
    }

    @Override
    public void appendRun(List<Append> run, RunCallback callback) {
      runs.add(new Run(run, callback));
    }

    @Override
    public boolean isOnlyWriter() {
      return false;
    }

    @Override
    public boolean isIdle() {
      return runs.isEmpty();
    }

    @Override
    public void close() {}

    Run next() throws InterruptedException {
      Run r = runs.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a run handed to the storage").isNotNull();
      return r;
    }
  }

  @BeforeEach
  void start() {
    RelayConfig config = RelayFixture.config(dir).build();
    store = EmbeddedStorage.open(config.dataDir(), 8);
    store.users().add("alice");
    store.documents().create(DOC, "D", "alice", 1, PayloadKind.READABLE);
    pool = Executors.newFixedThreadPool(2);
    loadPool = Executors.newFixedThreadPool(2);
    timer = Executors.newSingleThreadScheduledExecutor();
    DocumentLoader stored = new StoreDocumentLoader(store, config);
    DocumentLoader counting =
        new DocumentLoader() {
          @Override
          public Optional<DocumentStore.DocumentRow> row(String doc) {
            return stored.row(doc);
          }

          @Override
          public Optional<Role> role(String doc, String user) {
            return stored.role(doc, user);
          }

          @Override
          public SequencerState sequencerState(DocumentStore.DocumentRow row) {
            stateReads.incrementAndGet();
            return stored.sequencerState(row);
          }
        };
    RelayMetrics metrics = new RelayMetrics(() -> 0, () -> 0);
    RelayContext ctx =
        new RelayContext(
            config,
            store,
            counting,
            appender,
            metrics,
            pool,
            loadPool,
            timer,
            new AtomicInteger(),
            new AtomicInteger(),
            new UserSessions(),
            HistorySigner.open(store, config.checkpointInterval()));
    actor = new DocumentActor(DOC, ctx, a -> {});
    alice = new Session(connection(), "s1", config, metrics, null, null);
    alice.authenticated("alice", "ca");
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    loadPool.shutdownNow();
    timer.shutdownNow();
    store.close();
  }

  /** A connection that is open, sends at once, and hands what it sends to {@link #sent}. */
  private WebSocket connection() {
    return (WebSocket)
        Proxy.newProxyInstance(
            WebSocket.class.getClassLoader(),
            new Class<?>[] {WebSocket.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "isOpen" -> true;
                  case "hasBufferedData" -> false;
                  case "send" -> {
                    sent.add(ProtocolCodec.decodeServer((String) args[0]));
                    yield null;
                  }
                  default -> null;
                });
  }

  private static WireBatch insert(String clientId, long seq, long base, String text) {
    return new WireBatch(
        clientId,
        seq,
        base,
        List.of(OperationCodec.toJson(TextOperation.builder().insert(text).build())),
        1_000L);
  }

  private void submit(String rid, WireBatch wb) {
    ClientMessage.Submit m = new ClientMessage.Submit(DOC, wb);
    actor.run(
        alice, new RequestHeader(rid, RequestScheduler.SUBMIT, DOC), s -> actor.submit(s, rid, m));
  }

  private <T extends ServerMessage> T expect(Class<T> type) throws InterruptedException {
    ServerMessage m = sent.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("a message to the submitter").isInstanceOf(type);
    return type.cast(m);
  }

  @Test
  void aConflict_takesTheRunBack_takesInWhatWasMissed_andPlacesTheSubmitAfterIt_withoutReading()
      throws InterruptedException {
    WireBatch mine = insert("ca", 1, 0, "a");
    submit("r1", mine);
    ScriptedAppender.Run first = appender.next();
    assertThat(first.appends()).extracting(a -> a.entry().firstRevision()).containsExactly(1L);
    assertThat(stateReads).hasValue(1);

    // Carol's batch took revision 1 at the database; the conflict brings it back.
    WireBatch hers = insert("cc", 1, 0, "c");
    HistoryStore.StoredEntry missed =
        new HistoryStore.StoredEntry(
            new WireSequenced(1, "carol", 2_000, hers), hers.operations(), BatchDigest.of(hers));
    first.callback().done(new RunOutcome(0, new AppendOutcome.Conflict(1, List.of(missed))));

    ScriptedAppender.Run again = appender.next();
    Append placed = again.appends().get(0);
    assertThat(placed.entry().firstRevision()).isEqualTo(2);
    assertThat(placed.entry().batch().batchSeq()).isEqualTo(1);
    again.callback().done(RunOutcome.allCommitted(1));

    ServerMessage.Ack ack = expect(ServerMessage.Ack.class);
    assertThat(ack.firstRevision()).isEqualTo(2);
    assertThat(stateReads).as("taken in from the conflict, not read again").hasValue(1);

    // A resend of it is answered with its revisions, and reaches no storage.
    submit("r2", mine);
    assertThat(expect(ServerMessage.Ack.class).firstRevision()).isEqualTo(2);
    assertThat(appender.runs).isEmpty();
  }

  @Test
  void aFailedRun_isAnsweredInternal_andTheDocumentIsReadAgainForTheNextSubmit()
      throws InterruptedException {
    submit("r1", insert("ca", 1, 0, "a"));
    appender
        .next()
        .callback()
        .done(new RunOutcome(0, new AppendOutcome.Failed(new StoreException("disk gone"))));

    ServerMessage.Error error = expect(ServerMessage.Error.class);
    assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(error.message()).contains("disk gone");

    submit("r2", insert("ca", 1, 0, "a")); // sent again: nothing of it was stored
    ScriptedAppender.Run again = appender.next();
    assertThat(again.appends().get(0).entry().firstRevision()).isEqualTo(1);
    assertThat(stateReads).hasValue(2);
    again.callback().done(RunOutcome.allCommitted(1));
    assertThat(expect(ServerMessage.Ack.class).firstRevision()).isEqualTo(1);
  }
}
