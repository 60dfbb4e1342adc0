package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.DocumentStore;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.PayloadKind;
import dev.quire.relay.store.RunOutcome;
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

/**
 * One document's actor on the embedded storage, without a network, for tests of its parts: the test
 * plays the appender of a storage with other writers, deciding each run as a shared database would,
 * and reads what the submitter ("alice", not subscribed) is sent.
 */
final class ActorFixture implements AutoCloseable {
  static final String DOC = "doc";

  final EmbeddedStorage store;
  private final ExecutorService pool;
  private final ExecutorService loadPool;
  private final ScheduledExecutorService timer;
  final ScriptedAppender appender = new ScriptedAppender();

  /** How often the sequencer's state was read. */
  final AtomicInteger stateReads = new AtomicInteger();

  private final BlockingQueue<ServerMessage> sent = new LinkedBlockingQueue<>();
  final DocumentActor actor;
  private final Session alice;

  /** Runs handed to the storage, each decided by the test. */
  static final class ScriptedAppender implements BatchAppender {
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

    /**
     * Stores the next run handed over in the document's history, as the database would, and says it
     * was committed.
     */
    void commitNext(EmbeddedStorage store) throws InterruptedException {
      Run r = next();
      for (Append a : r.appends()) {
        store.history().append(a);
      }
      r.callback().done(RunOutcome.allCommitted(r.appends().size()));
    }

    /** The next run handed over (waiting for it a bounded time). */
    Run next() throws InterruptedException {
      Run r = runs.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a run handed to the storage").isNotNull();
      return r;
    }
  }

  /** The readable document {@value #DOC} of alice, in a data directory under {@code dir}. */
  ActorFixture(Path dir) {
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

  @Override
  public void close() {
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

  /** A batch of one operation inserting {@code text} at {@code at}. */
  static WireBatch insert(String clientId, long seq, long base, int at, String text) {
    return new WireBatch(
        clientId,
        seq,
        base,
        List.of(OperationCodec.toJson(TextOperation.builder().retain(at).insert(text).build())),
        1_000L);
  }

  /** Alice submits {@code wb} as request {@code rid}. */
  void submit(String rid, WireBatch wb) {
    ClientMessage.Submit m = new ClientMessage.Submit(DOC, wb);
    actor.run(
        alice, new RequestHeader(rid, RequestScheduler.SUBMIT, DOC), s -> actor.submit(s, rid, m));
  }

  /** The next message alice is sent, of {@code type} (waiting for it a bounded time). */
  <T extends ServerMessage> T expect(Class<T> type) throws InterruptedException {
    ServerMessage m = sent.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("a message to the submitter").isInstanceOf(type);
    return type.cast(m);
  }
}
