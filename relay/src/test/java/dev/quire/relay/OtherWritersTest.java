package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.ClientIdStore;
import dev.quire.relay.store.DocumentFeed;
import dev.quire.relay.store.DocumentStore;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.H2HistoryStore;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.HistoryStore.Append;
import dev.quire.relay.store.HistoryUploads;
import dev.quire.relay.store.RelayStorage;
import dev.quire.relay.store.SignatureStore;
import dev.quire.relay.store.StoreException;
import dev.quire.relay.store.UserStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay whose storage has other writers (as several relay processes on one database do): the
 * appender decides at the storage, answering conflict or duplicate, and the feed tells of other
 * processes' batches. The storage here is the embedded one with a small appender that keeps the
 * contract for several writers; "another relay" writes straight to the same history.
 */
class OtherWritersTest {
  @TempDir Path dir;
  Relay relay;
  SharedAppender appender;
  TestFeed feed;
  H2HistoryStore history;
  TestClient alice;
  TestClient carol;
  final StateReads stateReads = new StateReads();

  /** Counts how often the sequencer's state of a document is read. */
  static final class StateReads {
    final AtomicInteger count = new AtomicInteger();

    DocumentLoader counting(DocumentLoader inner) {
      return new DocumentLoader() {
        @Override
        public Optional<DocumentStore.DocumentRow> row(String doc) {
          return inner.row(doc);
        }

        @Override
        public Optional<Role> role(String doc, String user) {
          return inner.role(doc, user);
        }

        @Override
        public SequencerState sequencerState(DocumentStore.DocumentRow row) {
          count.incrementAndGet();
          return inner.sequencerState(row);
        }
      };
    }
  }

  @BeforeEach
  void start() throws Exception {
    relay =
        Relay.start(
            RelayFixture.config(dir).build(),
            loader -> stateReads.counting(loader),
            embedded -> {
              history = ((EmbeddedStorage) embedded).history();
              appender = new SharedAppender(embedded);
              feed = new TestFeed();
              return new SharedStorage(embedded, appender, feed);
            });
    alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
    String carolToken = relay.store().users().add("carol");
    relay.store().users().add("bob");
    RelayFixture.create(alice, "doc");
    alice.send(new ClientMessage.Share("doc", "carol", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    alice.send(new ClientMessage.Submit("doc", RelayFixture.append("ca", 1, 0, 0, "a")));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    carol = TestClient.login(relay.port(), carolToken, "cc");
    carol.send(new ClientMessage.Open("doc", 0, false));
    assertThat(carol.expect(ServerMessage.History.class).complete()).isTrue();
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  /** Stores {@code wb} as another relay process would: straight into the shared history. */
  private WireSequenced storeElsewhere(String author, WireBatch wb, TextOperation canonical) {
    long head = relay.store().documents().find("doc").orElseThrow().head();
    WireSequenced entry = new WireSequenced(head + 1, author, System.currentTimeMillis(), wb);
    history.append(
        new Append(
            "doc", entry, List.of(OperationCodec.toJson(canonical)), BatchDigest.of(wb), null));
    return entry;
  }

  private static TextOperation insertAt(int at, String text) {
    return TextOperation.builder().retain(at).insert(text).build();
  }

  @Test
  void conflict_catchesUpSendsWhatItMissed_andPlacesTheBatchAfterIt() throws Exception {
    TextOperation bobs = insertAt(1, "b");
    WireBatch bobsBatch = WireBatch.of(new Batch("cb", 1, 1, List.of(bobs)), 1_000L);
    appender.beforeNext.set(() -> storeElsewhere("bob", bobsBatch, bobs));

    alice.send(new ClientMessage.Submit("doc", RelayFixture.append("ca", 2, 1, 1, "c")));

    assertThat(alice.expectAck().firstRevision()).isEqualTo(3); // the next numbers
    assertThat(appender.conflicts.get()).isEqualTo(1);
    WireSequenced first = carol.expectSequenced();
    assertThat(first.author()).isEqualTo("bob");
    assertThat(first.firstRevision()).isEqualTo(2);
    WireSequenced second = carol.expectSequenced();
    assertThat(second.author()).isEqualTo("alice");
    assertThat(second.firstRevision()).isEqualTo(3);
    assertThat(relay.store().documents().find("doc").orElseThrow().head()).isEqualTo(3);
    // Re-canonicalised against bob's batch: both inserts are in the text.
    assertThat(RelayFixture.storedText(relay, "doc")).hasSize(3).startsWith("a").contains("b", "c");
    assertThat(feed.published).contains("doc@3");
  }

  @Test
  void aConflictBringingWhatItMissed_isTakenInWithoutReadingTheDocumentAgain() throws Exception {
    TextOperation bobs = insertAt(1, "b");
    WireBatch bobsBatch = WireBatch.of(new Batch("cb", 1, 1, List.of(bobs)), 1_000L);
    appender.bringMissed.set(true);
    appender.beforeNext.set(() -> storeElsewhere("bob", bobsBatch, bobs));
    int reads = stateReads.count.get();

    alice.send(new ClientMessage.Submit("doc", RelayFixture.append("ca", 2, 1, 1, "c")));

    assertThat(alice.expectAck().firstRevision()).isEqualTo(3);
    assertThat(appender.conflicts.get()).isEqualTo(1);
    assertThat(stateReads.count.get()).as("no read after the conflict").isEqualTo(reads);
    assertThat(carol.expectSequenced().author()).isEqualTo("bob");
    assertThat(carol.expectSequenced().firstRevision()).isEqualTo(3);
    // Memory took bob's batch in: a batch at the new head fits the text it holds.
    alice.send(new ClientMessage.Submit("doc", RelayFixture.append("ca", 3, 3, 3, "d")));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(4);
    assertThat(carol.expectSequenced().firstRevision()).isEqualTo(4);
    assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("acbd");
    assertThat(stateReads.count.get()).isEqualTo(reads);
    // Bob's batch, resent here after a failover, is known from what was taken in.
    alice.send(new ClientMessage.Share("doc", "bob", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    TestClient bob = TestClient.login(relay.port(), relay.store().users().issueToken("bob"), "cb");
    try {
      bob.send(new ClientMessage.Submit("doc", bobsBatch));
      ServerMessage.Ack again = bob.expectAck();
      assertThat(again.firstRevision()).isEqualTo(2);
      assertThat(appender.duplicates.get()).as("answered from memory").isZero();
    } finally {
      bob.close();
    }
  }

  @Test
  void duplicate_isAnsweredWithTheRevisionsItWasStoredAt_andSentOnce() throws Exception {
    WireBatch resent = RelayFixture.append("ca", 2, 1, 1, "c");
    TextOperation op = insertAt(1, "c");
    appender.beforeNext.set(() -> storeElsewhere("alice", resent, op)); // via another relay

    alice.send(new ClientMessage.Submit("doc", resent));

    ServerMessage.Ack ack = alice.expectAck();
    assertThat(ack.batchSeq()).isEqualTo(2);
    assertThat(ack.firstRevision()).isEqualTo(2);
    assertThat(appender.duplicates.get()).isEqualTo(1);
    assertThat(carol.expectSequenced().firstRevision()).isEqualTo(2);
    assertThat(relay.store().documents().find("doc").orElseThrow().head()).isEqualTo(2);
    assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("ac");

    // The document goes on from there.
    alice.send(new ClientMessage.Submit("doc", RelayFixture.append("ca", 3, 2, 2, "d")));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(3);
    assertThat(carol.expectSequenced().firstRevision()).isEqualTo(3);
  }

  @Test
  void aNoticeFromAnotherProcess_sendsItsBatchesLive_andTheSequencerTakesThemIn() throws Exception {
    TextOperation bobs = insertAt(1, "b");
    storeElsewhere("bob", WireBatch.of(new Batch("cb", 1, 1, List.of(bobs)), 1_000L), bobs);
    int reads = stateReads.count.get();

    feed.listener.get().moved("doc", 2);

    WireSequenced live = carol.expectSequenced();
    assertThat(live.author()).isEqualTo("bob");
    assertThat(live.firstRevision()).isEqualTo(2);
    alice.send(new ClientMessage.Submit("doc", RelayFixture.append("ca", 2, 2, 2, "c")));
    assertThat(alice.expectAck().firstRevision()).isEqualTo(3);
    assertThat(appender.conflicts.get()).isZero(); // it knew the head already
    assertThat(RelayFixture.storedText(relay, "doc")).isEqualTo("abc");
    assertThat(stateReads.count.get()).as("taken in, not read again").isEqualTo(reads);
  }

  /**
   * Appends as a storage with several writers does: stored only at the expected head (else
   * conflict), a batch stored already is a duplicate. Outcomes are told on another thread.
   */
  static final class SharedAppender implements BatchAppender {
    final RelayStorage storage;
    final H2HistoryStore history;
    final ExecutorService thread = Executors.newSingleThreadExecutor();
    final AtomicInteger pending = new AtomicInteger();
    final AtomicInteger conflicts = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicReference<Runnable> beforeNext = new AtomicReference<>();
    final AtomicBoolean bringMissed = new AtomicBoolean(); // a conflict brings the missed batches

    SharedAppender(RelayStorage storage) {
      this.storage = storage;
      this.history = ((EmbeddedStorage) storage).history();
    }

    @Override
    public void append(Append a, Callback callback) {
      pending.incrementAndGet();
      thread.execute(
          () -> {
            try {
              callback.done(decide(a));
            } finally {
              pending.decrementAndGet();
            }
          });
    }

    private AppendOutcome decide(Append a) {
      Runnable other = beforeNext.getAndSet(null);
      if (other != null) {
        other.run(); // another process got there first
      }
      WireSequenced e = a.entry();
      Optional<HistoryStore.StoredBatch> stored =
          history.findBatchAtOrAfter(
              a.doc(), e.author(), e.batch().clientId(), e.batch().batchSeq());
      if (stored.isPresent() && stored.get().batchSeq() == e.batch().batchSeq()) {
        duplicates.incrementAndGet();
        return new AppendOutcome.Duplicate(stored.get());
      }
      long head = storage.documents().find(a.doc()).orElseThrow().head();
      if (head != a.expectedHead()) {
        conflicts.incrementAndGet();
        return bringMissed.get()
            ? new AppendOutcome.Conflict(head, history.entries(a.doc(), a.expectedHead(), head))
            : new AppendOutcome.Conflict(head);
      }
      try {
        history.append(a);
        return AppendOutcome.COMMITTED;
      } catch (StoreException ex) {
        return new AppendOutcome.Failed(ex);
      }
    }

    @Override
    public boolean isIdle() {
      return pending.get() == 0;
    }

    @Override
    public void close() {
      thread.shutdown();
    }
  }

  /** A feed whose notices the test gives by hand; it records what the relay publishes. */
  static final class TestFeed implements DocumentFeed {
    final AtomicReference<Listener> listener = new AtomicReference<>();
    final List<String> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(String doc, long head) {
      published.add(doc + "@" + head);
    }

    @Override
    public void changed(String doc) {
      published.add(doc + " changed");
    }

    @Override
    public void listen(Listener l) {
      listener.set(l);
    }

    @Override
    public void close() {}
  }

  /** The embedded storage with another appender and feed. */
  static final class SharedStorage implements RelayStorage {
    private final RelayStorage inner;
    private final BatchAppender appender;
    private final DocumentFeed feed;

    SharedStorage(RelayStorage inner, BatchAppender appender, DocumentFeed feed) {
      this.inner = inner;
      this.appender = appender;
      this.feed = feed;
    }

    @Override
    public UserStore users() {
      return inner.users();
    }

    @Override
    public DocumentStore documents() {
      return inner.documents();
    }

    @Override
    public HistoryStore history() {
      return inner.history();
    }

    @Override
    public ClientIdStore clientIds() {
      return inner.clientIds();
    }

    @Override
    public dev.quire.relay.store.KeyStore keys() {
      return inner.keys();
    }

    @Override
    public HistoryUploads uploads() {
      return inner.uploads();
    }

    @Override
    public SignatureStore signatures() {
      return inner.signatures();
    }

    @Override
    public String identity() {
      return inner.identity();
    }

    @Override
    public BatchAppender startAppender(LongConsumer commitNanos) {
      return appender;
    }

    @Override
    public DocumentFeed feed() {
      return feed;
    }

    @Override
    public boolean isHealthy() {
      return inner.isHealthy();
    }

    @Override
    public String describe() {
      return "shared " + inner.describe();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
