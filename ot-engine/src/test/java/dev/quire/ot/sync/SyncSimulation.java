package dev.quire.ot.sync;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.codec.SyncCodec;
import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * A deterministic simulation of several {@link ClientSync} clients and one {@link MemorySequencer}
 * server, in the style of Wave's ClientAndServerTest and DomainRandomTester: one seeded {@link
 * Random} drives everything, so a seed reproduces a run exactly.
 *
 * <h2>The model</h2>
 *
 * <ul>
 *   <li><b>Network.</b> Each connection has two FIFO queues (client to server, server to client).
 *       Every message gets a random delay, but never overtakes an earlier message on its own queue,
 *       so messages on different connections reorder while each connection stays ordered, as on
 *       TCP. A virtual clock advances one tick per step; due messages are delivered in (due time,
 *       send order).
 *   <li><b>Protocol.</b> On connecting, a client sends {@code Hello(revision)}; the server
 *       registers the connection and answers with every batch after that revision (a catch-up), in
 *       pages of one to four batches, the last one marked. The client takes a page one by one, or,
 *       when nothing is in flight, in bulk ({@link ClientSync#receiveDeferred}), rebasing its queue
 *       past it at once ({@link ClientSync#rebase}) then or after a later page; local edits made
 *       meanwhile go on the text shown. The client sends, at once or only after the last page (as
 *       the editor does), what {@link ClientSync#nextBatch()} gives (the in-flight batch again
 *       after a reconnect or restart). The server sequences a {@code Submit}, acknowledges it to
 *       the submitter (mostly as an ack, sometimes as the sequenced batch itself) and broadcasts it
 *       to everyone else. A client answers a {@link Delivery.Status#GAP GAP} with a {@code
 *       CatchUp(revision)} request.
 *   <li><b>Faults.</b> Dropped connections (everything in flight both ways is lost; the client
 *       calls {@link ClientSync#connectionLost()} and later reconnects), lost acknowledgements (the
 *       server committed, then the connection dropped before the ack left; or, rarely, the ack
 *       vanished while the connection stayed up, which the client notices as a gap or, failing
 *       that, by an ack timeout during quiescence), duplicate deliveries and duplicate acks sent by
 *       the server, batches resent by a client (the server's deduplication must return the very
 *       same placement), client restarts and server restarts.
 *   <li><b>Client persistence.</b> A client persists its {@link ClientState} as {@link SyncCodec}
 *       JSON, its log (each sequenced batch as JSON with its canonical operations) and its text, as
 *       one atomic snapshot, and a restart rebuilds the client from its last snapshot only. Two
 *       policies, chosen per seed: {@code EVERY_CHANGE} persists after every local edit, delivery,
 *       acknowledgement and new batch, so a restart loses nothing; {@code WRITE_AHEAD} persists at
 *       random moments plus, always, just before a batch leaves the client (the outbox rule: a
 *       batch must be durable before it is sent, or a restarted client would make a different batch
 *       under the same batch seq, which the server rightly refuses). Under {@code WRITE_AHEAD} a
 *       restart loses the local edits made since the last snapshot (never sent, so no one else has
 *       them either) and the revisions received since (fetched again on reconnecting).
 *   <li><b>Server restart.</b> The server's store is its sequenced batches as {@link SyncCodec}
 *       JSON; a restart decodes them and resubmits them in order to a fresh sequencer, which must
 *       give every batch the same placement; all connections drop.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * Always: each client's text has {@link ClientSync#localLength()} code points; each revision a
 * client takes equals the server's revision; a resubmitted batch gets the placement it had. After
 * quiescence (faults and edits stop, everyone reconnects, everything is delivered): every client's
 * text equals the server's, every client's log equals the server's (canonical operations and
 * sequenced batches), every client is synchronised, and each client's batches appear in the log
 * once each with batch seqs 1, 2, 3, ...
 */
final class SyncSimulation {

  /** How a client persists itself; see the class comment. */
  enum Persistence {
    EVERY_CHANGE,
    WRITE_AHEAD
  }

  /** Counts of what a run exercised, summed over seeds to check that every fault happens. */
  static final class Stats {
    long steps;
    long localEdits;
    long batchesSent;
    long multiOperationBatches;
    long committed;
    long deduplicatedResubmits;
    long connectionDrops;
    long lostAcksWithDrop;
    long silentlyLostAcks;
    long ackTimeouts;
    long duplicateDeliveriesSent;
    long duplicateAcksSent;
    long duplicatesIgnored;
    long gaps;
    long ownBatchAsDelivery;
    long clientResends;
    long clientRestarts;
    long editsLostInRestart;
    long serverRestarts;
    long astralInserts;
    long bulkPages;
    long bulkRebases;
    long editsWhileRebasePending;

    void add(Stats o) {
      steps += o.steps;
      localEdits += o.localEdits;
      batchesSent += o.batchesSent;
      multiOperationBatches += o.multiOperationBatches;
      committed += o.committed;
      deduplicatedResubmits += o.deduplicatedResubmits;
      connectionDrops += o.connectionDrops;
      lostAcksWithDrop += o.lostAcksWithDrop;
      silentlyLostAcks += o.silentlyLostAcks;
      ackTimeouts += o.ackTimeouts;
      duplicateDeliveriesSent += o.duplicateDeliveriesSent;
      duplicateAcksSent += o.duplicateAcksSent;
      duplicatesIgnored += o.duplicatesIgnored;
      gaps += o.gaps;
      ownBatchAsDelivery += o.ownBatchAsDelivery;
      clientResends += o.clientResends;
      clientRestarts += o.clientRestarts;
      editsLostInRestart += o.editsLostInRestart;
      serverRestarts += o.serverRestarts;
      astralInserts += o.astralInserts;
      bulkPages += o.bulkPages;
      bulkRebases += o.bulkRebases;
      editsWhileRebasePending += o.editsWhileRebasePending;
    }

    Map<String, Long> asMap() {
      Map<String, Long> m = new LinkedHashMap<>();
      m.put("steps", steps);
      m.put("localEdits", localEdits);
      m.put("batchesSent", batchesSent);
      m.put("multiOperationBatches", multiOperationBatches);
      m.put("committed", committed);
      m.put("deduplicatedResubmits", deduplicatedResubmits);
      m.put("connectionDrops", connectionDrops);
      m.put("lostAcksWithDrop", lostAcksWithDrop);
      m.put("silentlyLostAcks", silentlyLostAcks);
      m.put("ackTimeouts", ackTimeouts);
      m.put("duplicateDeliveriesSent", duplicateDeliveriesSent);
      m.put("duplicateAcksSent", duplicateAcksSent);
      m.put("duplicatesIgnored", duplicatesIgnored);
      m.put("gaps", gaps);
      m.put("ownBatchAsDelivery", ownBatchAsDelivery);
      m.put("clientResends", clientResends);
      m.put("clientRestarts", clientRestarts);
      m.put("editsLostInRestart", editsLostInRestart);
      m.put("serverRestarts", serverRestarts);
      m.put("astralInserts", astralInserts);
      m.put("bulkPages", bulkPages);
      m.put("bulkRebases", bulkRebases);
      m.put("editsWhileRebasePending", editsWhileRebasePending);
      return m;
    }

    @Override
    public String toString() {
      return asMap().toString();
    }
  }

  /** Thrown when an invariant breaks; the message holds the seed and the last events. */
  static final class InvariantViolation extends AssertionError {
    private static final long serialVersionUID = 1L;

    InvariantViolation(String message) {
      super(message);
    }

    InvariantViolation(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ---- messages ----

  private sealed interface Msg permits Hello, Submit, CatchUp, Ack, Deliver, Page {}

  private record Hello(long revision) implements Msg {}

  private record Submit(Batch batch) implements Msg {}

  private record CatchUp(long revision) implements Msg {}

  private record Ack(long batchSeq, long firstRevision, String author, long timestamp)
      implements Msg {}

  private record Deliver(SequencedBatch sequenced) implements Msg {}

  /** A page of a catch-up; the last one may be empty. */
  private record Page(List<SequencedBatch> batches, boolean last) implements Msg {}

  private record Envelope(long due, long order, Msg msg) {}

  private final class Connection {
    final int id = nextConnectionId++;
    final SimClient client;
    final ArrayDeque<Envelope> toServer = new ArrayDeque<>();
    final ArrayDeque<Envelope> toClient = new ArrayDeque<>();
    boolean open = true;

    Connection(SimClient client) {
      this.client = client;
    }
  }

  /** One persisted log entry: the sequenced batch and its canonical operations, as JSON. */
  private record StoredEntry(String sequencedJson, List<String> canonicalJson) {}

  private final class SimClient {
    final int index;
    final String author;
    final String clientId;
    final int maxBatchOperations;
    MemoryLog log = new MemoryLog();
    ClientSync sync;
    String text = "";
    Connection conn;
    // What this client last put on the wire, to tell a lost ack from a batch never resent.
    Connection lastSentOn;
    long lastSentSeq;
    // Sends nothing until the catch-up's last page, as the editor does; else sends at once.
    boolean catchingUp;

    // The last snapshot: state, log and text together.
    String persistedState;
    final List<StoredEntry> persistedLog = new ArrayList<>();
    long persistedHead;
    String persistedText = "";
    int editsSincePersist;

    SimClient(int index, String author, int maxBatchOperations) {
      this.index = index;
      this.author = author;
      this.clientId = "client-" + index;
      this.maxBatchOperations = maxBatchOperations;
      this.sync = new ClientSync(clientId, log, maxBatchOperations);
      this.persistedState = SyncCodec.toJson(sync.state());
    }

    @Override
    public String toString() {
      return clientId;
    }
  }

  private static final String[] PIECES = {
    "a",
    "b",
    "c",
    "x",
    " ",
    "\n",
    "hello",
    "wörld",
    "é",
    "e\u0301",
    "a\u0308\u0301",
    "😀",
    "👍🏽",
    "🇯🇵",
    "🇫🇷",
    "👨‍👩‍👧‍👦",
    "👩‍💻",
    "🏳️‍🌈",
    "𝔸",
    "𝄞",
    "漢字",
    "שלום",
    "🦊",
    "\t"
  };

  private final long seed;
  private final Random rnd;
  private final Persistence persistence;
  private final int maxDelay;
  private final Stats stats = new Stats();
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private final List<SimClient> clients = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();
  private final Map<Integer, Connection> registered = new TreeMap<>(); // ordered: deterministic
  private final Map<String, SequencedBatch> placements = new HashMap<>();
  private final List<String> serverStore = new ArrayList<>();
  private MemorySequencer server = new MemorySequencer();
  private long now;
  private long nextOrder;
  private int nextConnectionId;
  private boolean faults = true;

  private SyncSimulation(long seed) {
    this.seed = seed;
    this.rnd = new Random(seed);
    this.persistence = rnd.nextBoolean() ? Persistence.EVERY_CHANGE : Persistence.WRITE_AHEAD;
    this.maxDelay = 1 + rnd.nextInt(8);
    int n = 5 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      // Two clients share an author: one user on two devices, told apart by client id.
      String author = "user-" + (i == n - 1 ? 0 : i);
      clients.add(new SimClient(i, author, 1 + rnd.nextInt(rnd.nextBoolean() ? 1 : 4)));
    }
  }

  /**
   * Runs seed {@code seed} for {@code steps} steps, then to quiescence, checking every invariant.
   */
  static Stats run(long seed, int steps) {
    SyncSimulation sim = new SyncSimulation(seed);
    try {
      sim.runSteps(steps);
      sim.quiesce();
      sim.checkConverged();
    } catch (InvariantViolation e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      throw new InvariantViolation(sim.describeFailure(e.toString()), e);
    }
    return sim.stats;
  }

  // ---- the event loop ----

  private void runSteps(int steps) {
    trace(
        "seed "
            + seed
            + ", "
            + clients.size()
            + " clients, "
            + persistence
            + ", maxDelay "
            + maxDelay);
    for (SimClient c : clients) {
      if (rnd.nextInt(4) != 0) {
        connect(c);
      }
    }
    for (int step = 0; step < steps; step++) {
      stats.steps++;
      now++;
      deliverDue();
      int events = 1 + rnd.nextInt(2);
      for (int e = 0; e < events; e++) {
        randomEvent();
      }
      for (SimClient c : clients) {
        if (c.conn != null && rnd.nextInt(3) != 0) {
          flush(c);
        }
      }
    }
  }

  private void randomEvent() {
    int r = rnd.nextInt(100);
    SimClient c = clients.get(rnd.nextInt(clients.size()));
    if (r < 55) {
      localEdit(c);
    } else if (r < 63) {
      if (c.conn == null) {
        connect(c);
      }
    } else if (r < 67) {
      if (c.conn != null) {
        trace(c + " connection dropped");
        drop(c);
      }
    } else if (r < 70) {
      duplicateDelivery(c);
    } else if (r < 72) {
      duplicateAck(c);
    } else if (r < 75) {
      resendInFlight(c);
    } else if (r < 78) {
      restartClient(c);
    } else if (r < 86) {
      if (persistence == Persistence.WRITE_AHEAD) {
        persist(c);
      }
    } else if (r < 87) {
      if (rnd.nextInt(3) == 0) {
        restartServer();
      }
    } // else: a quiet step
  }

  private void quiesce() {
    faults = false;
    trace("quiescence");
    for (int round = 0; round < 200; round++) {
      for (SimClient c : clients) {
        if (c.conn == null) {
          connect(c);
        }
        flush(c);
      }
      for (int tick = 0; pending() && tick < 100_000; tick++) {
        now++;
        deliverDue();
      }
      if (pending()) {
        throw violation("messages still pending after quiescence");
      }
      boolean done = true;
      for (SimClient c : clients) {
        if (c.sync.isSynchronised() && c.sync.revision() == server.head()) {
          continue;
        }
        done = false;
        Optional<Batch> inFlight = c.sync.inFlight();
        if (inFlight.isEmpty()) {
          throw violation(
              c + " is connected, has nothing in flight and is not synchronised at the head");
        }
        if (c.lastSentOn != c.conn || c.lastSentSeq != inFlight.get().batchSeq()) {
          throw violation(
              c
                  + " never sent its in-flight batch "
                  + inFlight.get().batchSeq()
                  + " on this connection");
        }
        // It was sent here and nothing more will arrive: the ack was lost; the timeout fires.
        trace(c + " ack timeout: reconnects");
        stats.ackTimeouts++;
        drop(c);
      }
      if (done) {
        return;
      }
    }
    throw violation("no quiescence after 200 rounds");
  }

  private boolean pending() {
    for (Connection conn : connections) {
      if (!conn.toServer.isEmpty() || !conn.toClient.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private void deliverDue() {
    while (true) {
      Connection best = null;
      boolean toServer = false;
      Envelope bestEnv = null;
      for (Connection conn : connections) {
        for (int dir = 0; dir < 2; dir++) {
          Envelope e = dir == 0 ? conn.toServer.peekFirst() : conn.toClient.peekFirst();
          if (e != null
              && e.due() <= now
              && (bestEnv == null
                  || e.due() < bestEnv.due()
                  || (e.due() == bestEnv.due() && e.order() < bestEnv.order()))) {
            best = conn;
            bestEnv = e;
            toServer = dir == 0;
          }
        }
      }
      if (best == null) {
        connections.removeIf(conn -> !conn.open);
        return;
      }
      if (toServer) {
        best.toServer.pollFirst();
        serverReceives(best, bestEnv.msg());
      } else {
        best.toClient.pollFirst();
        clientReceives(best.client, bestEnv.msg());
      }
    }
  }

  private void send(Connection conn, boolean toServer, Msg msg) {
    if (!conn.open) {
      return;
    }
    ArrayDeque<Envelope> q = toServer ? conn.toServer : conn.toClient;
    long delay = 1 + rnd.nextInt(maxDelay) + (rnd.nextInt(20) == 0 ? rnd.nextInt(30) : 0);
    long due = now + delay;
    if (!q.isEmpty() && q.peekLast().due() > due) {
      due = q.peekLast().due(); // FIFO per connection and direction
    }
    q.addLast(new Envelope(due, nextOrder++, msg));
  }

  // ---- the server ----

  private void serverReceives(Connection conn, Msg msg) {
    SimClient c = conn.client;
    if (msg instanceof Hello h) {
      registered.put(c.index, conn);
      sendCatchUp(conn, h.revision());
    } else if (msg instanceof CatchUp u) {
      sendCatchUp(conn, u.revision());
    } else if (msg instanceof Submit submit) {
      serverSequences(conn, submit.batch());
    } else {
      throw violation("server got " + msg);
    }
  }

  /** Every batch after {@code revision}, in pages of one to four batches. */
  private void sendCatchUp(Connection conn, long revision) {
    List<SequencedBatch> all = server.batchesAfter(revision);
    int i = 0;
    do {
      int n = Math.min(all.size() - i, 1 + rnd.nextInt(4));
      send(conn, false, new Page(List.copyOf(all.subList(i, i + n)), i + n == all.size()));
      i += n;
    } while (i < all.size());
  }

  private void serverSequences(Connection conn, Batch batch) {
    SimClient c = conn.client;
    long headBefore = server.head();
    SequencedBatch s = server.submit(c.author, batch, now);
    String key = c.author + "/" + batch.clientId() + "/" + batch.batchSeq();
    boolean fresh = server.head() != headBefore;
    if (fresh) {
      if (placements.containsKey(key)) {
        throw violation("batch " + key + " sequenced twice");
      }
      placements.put(key, s);
      serverStore.add(SyncCodec.toJson(s));
      stats.committed++;
      trace("server r" + s.firstRevision() + ".." + s.lastRevision() + " <- " + key);
      for (Connection other : registered.values()) {
        if (other != conn && other.open) {
          send(other, false, new Deliver(s));
        }
      }
    } else {
      stats.deduplicatedResubmits++;
      if (!s.equals(placements.get(key))) {
        throw violation("resubmitted " + key + " placed at " + s + ", was " + placements.get(key));
      }
      trace("server dedup " + key + " -> r" + s.firstRevision());
    }
    int fate = rnd.nextInt(100);
    if (faults && fresh && fate < 5) {
      // Committed, then the connection died before the ack left.
      stats.lostAcksWithDrop++;
      trace(c + " ack lost with the connection");
      drop(c);
    } else if (faults && fate < 7) {
      stats.silentlyLostAcks++;
      trace(c + " ack lost silently");
    } else if (fate < 22) {
      stats.ownBatchAsDelivery++;
      send(conn, false, new Deliver(s));
    } else {
      send(
          conn,
          false,
          new Ack(batch.batchSeq(), s.firstRevision(), s.author(), s.timestampMillis()));
    }
  }

  private void restartServer() {
    trace("server restart");
    stats.serverRestarts++;
    MemorySequencer fresh = new MemorySequencer();
    for (String json : serverStore) {
      SequencedBatch s = SyncCodec.sequencedBatchFromJson(json);
      SequencedBatch again = fresh.submit(s.author(), s.batch(), s.timestampMillis());
      if (!again.equals(s)) {
        throw violation("server restart placed " + again + " instead of " + s);
      }
    }
    if (!fresh.text().equals(server.text())
        || !fresh.log().operations().equals(server.log().operations())) {
      throw violation("server restart rebuilt a different document");
    }
    server = fresh;
    for (SimClient c : clients) {
      if (c.conn != null) {
        drop(c);
      }
    }
    registered.clear();
  }

  private void duplicateDelivery(SimClient c) {
    Connection conn = registered.get(c.index);
    if (!faults || conn == null || !conn.open || server.head() == 0) {
      return;
    }
    List<SequencedBatch> batches = server.log().batches();
    SequencedBatch s = batches.get(rnd.nextInt(batches.size()));
    stats.duplicateDeliveriesSent++;
    trace("server re-sends r" + s.firstRevision() + " to " + c);
    send(conn, false, new Deliver(s));
  }

  private void duplicateAck(SimClient c) {
    Connection conn = registered.get(c.index);
    if (!faults || conn == null || !conn.open) {
      return;
    }
    List<SequencedBatch> own = new ArrayList<>();
    for (SequencedBatch s : server.log().batches()) {
      if (s.batch().clientId().equals(c.clientId)) {
        own.add(s);
      }
    }
    if (own.isEmpty()) {
      return;
    }
    SequencedBatch s = own.get(rnd.nextInt(own.size()));
    stats.duplicateAcksSent++;
    trace("server re-acks " + c + " batch " + s.batch().batchSeq());
    send(
        conn,
        false,
        new Ack(s.batch().batchSeq(), s.firstRevision(), s.author(), s.timestampMillis()));
  }

  // ---- the clients ----

  private void connect(SimClient c) {
    Connection conn = new Connection(c);
    connections.add(conn);
    c.conn = conn;
    c.catchingUp = rnd.nextBoolean();
    trace(c + " connects at r" + c.sync.revision() + " (conn " + conn.id + ")");
    send(conn, true, new Hello(c.sync.revision()));
    flush(c);
  }

  private void drop(SimClient c) {
    Connection conn = c.conn;
    if (conn == null) {
      return;
    }
    stats.connectionDrops++;
    conn.open = false;
    conn.toServer.clear();
    conn.toClient.clear();
    registered.remove(c.index, conn);
    c.conn = null;
    c.catchingUp = false;
    c.sync.connectionLost();
  }

  private void flush(SimClient c) {
    if (c.conn == null || c.catchingUp) {
      return;
    }
    settle(c);
    Optional<Batch> batch;
    while ((batch = c.sync.nextBatch()).isPresent()) {
      Batch b = batch.get();
      if (persistence == Persistence.WRITE_AHEAD) {
        persist(c); // the outbox rule: durable before it leaves
      } else {
        changed(c);
      }
      stats.batchesSent++;
      if (b.size() > 1) {
        stats.multiOperationBatches++;
      }
      trace(c + " sends batch " + b.batchSeq() + " base r" + b.baseRevision() + " x" + b.size());
      sent(c, b);
    }
  }

  private void resendInFlight(SimClient c) {
    if (!faults || c.conn == null || c.sync.inFlight().isEmpty()) {
      return;
    }
    stats.clientResends++;
    Batch b = c.sync.inFlight().get();
    trace(c + " resends batch " + b.batchSeq());
    sent(c, b);
  }

  private void sent(SimClient c, Batch b) {
    c.lastSentOn = c.conn;
    c.lastSentSeq = b.batchSeq();
    send(c.conn, true, new Submit(b));
  }

  private void localEdit(SimClient c) {
    int length = c.sync.localLength();
    int kind = rnd.nextInt(100);
    if (length > 300) {
      kind = 50; // keep documents small: delete
    }
    int position = rnd.nextInt(length + 1);
    int delete = 0;
    String insert = "";
    if (kind < 50 || length == 0) {
      insert = randomText();
    } else {
      position = Math.min(position, length - 1);
      delete = 1 + rnd.nextInt(Math.min(length - position, kind < 80 ? 8 : 3));
      if (kind >= 80) {
        insert = randomText(); // a replace
      }
    }
    TextOperation op = TextOperation.splice(length, position, delete, insert);
    c.text = op.apply(c.text);
    c.sync.localEdit(op); // while a rebase is pending, on the text shown: rebased with the queue
    if (c.sync.rebasePending()) {
      stats.editsWhileRebasePending++;
    }
    c.editsSincePersist++;
    stats.localEdits++;
    if (insert.length() != CodePoints.count(insert)) {
      stats.astralInserts++;
    }
    trace(c + " edits " + op);
    changed(c);
    checkLength(c);
    if (c.conn != null && rnd.nextBoolean()) {
      flush(c);
    }
  }

  private String randomText() {
    StringBuilder sb = new StringBuilder();
    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
      sb.append(PIECES[rnd.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  private void clientReceives(SimClient c, Msg msg) {
    if (msg instanceof Page page) {
      clientReceivesPage(c, page);
      return;
    }
    settle(c);
    Delivery d;
    if (msg instanceof Deliver deliver) {
      d = c.sync.receive(deliver.sequenced());
    } else if (msg instanceof Ack a) {
      d = c.sync.acknowledge(a.batchSeq(), a.firstRevision(), a.author(), a.timestamp());
    } else {
      throw violation(c + " got " + msg);
    }
    switch (d.status()) {
      case APPLIED -> {
        for (TextOperation op : d.toApply()) {
          c.text = op.apply(c.text);
        }
        SequencedBatch taken = c.log.batchContaining(c.log.head());
        for (long r = taken.firstRevision(); r <= taken.lastRevision(); r++) {
          if (!c.log.operation(r).equals(server.log().operation(r))) {
            throw violation(c + " computed revision " + r + " differently from the server");
          }
        }
        if (!taken.equals(server.log().batchContaining(taken.firstRevision()))) {
          throw violation(
              c + " took a batch the server does not have at r" + taken.firstRevision());
        }
        changed(c);
        flush(c);
      }
      case DUPLICATE -> stats.duplicatesIgnored++;
      case GAP -> {
        stats.gaps++;
        trace(c + " gap at r" + c.sync.revision() + ": asks for a catch-up");
        if (c.conn != null) {
          send(c.conn, true, new CatchUp(c.sync.revision()));
        }
      }
    }
    checkLength(c);
  }

  /**
   * A catch-up page: taken in bulk (into the log, the queue rebased past it now or after a later
   * page) when nothing is in flight and none of it is this client's, otherwise one by one.
   */
  private void clientReceivesPage(SimClient c, Page page) {
    boolean own = page.batches().stream().anyMatch(s -> s.batch().clientId().equals(c.clientId));
    if (own || c.sync.inFlight().isPresent() || rnd.nextInt(3) == 0) {
      for (SequencedBatch s : page.batches()) {
        clientReceives(c, new Deliver(s));
      }
    } else {
      stats.bulkPages++;
      long head = c.log.head();
      int gapAt = c.sync.receiveDeferred(page.batches());
      trace(c + " takes r" + (head + 1) + "..r" + c.log.head() + " in bulk");
      for (long r = head + 1; r <= c.log.head(); r++) {
        if (!c.log.operation(r).equals(server.log().operation(r))) {
          throw violation(c + " computed revision " + r + " differently from the server");
        }
      }
      if (gapAt >= 0) {
        stats.gaps++;
        trace(c + " gap at r" + c.sync.revision() + ": asks for a catch-up");
        settle(c);
        send(c.conn, true, new CatchUp(c.sync.revision()));
      } else if (page.last() || rnd.nextInt(4) == 0) {
        settle(c);
      }
    }
    if (page.last() && c.catchingUp) {
      c.catchingUp = false;
      flush(c);
    }
    checkLength(c);
  }

  /** Rebases the queue past the revisions taken in bulk, if any, and shows them. */
  private void settle(SimClient c) {
    if (!c.sync.rebasePending()) {
      return;
    }
    stats.bulkRebases++;
    trace(c + " rebases its queue past " + c.sync.deferredCount() + " revisions");
    for (TextOperation op : c.sync.rebase().toApply()) {
      c.text = op.apply(c.text);
    }
    changed(c);
  }

  private void changed(SimClient c) {
    if (persistence == Persistence.EVERY_CHANGE) {
      persist(c);
    }
  }

  private void persist(SimClient c) {
    settle(c); // a snapshot holds the queue rebased past the log it goes with
    ClientState state = c.sync.state();
    String json = SyncCodec.toJson(state);
    if (!SyncCodec.clientStateFromJson(json).equals(state)) {
      throw violation(c + " state does not survive its JSON form: " + json);
    }
    if (c.log.head() < c.persistedHead) {
      throw violation(c + " log is behind its own snapshot");
    }
    for (SequencedBatch s : c.log.batchesAfter(c.persistedHead)) {
      List<String> canonical = new ArrayList<>(s.batch().size());
      for (long r = s.firstRevision(); r <= s.lastRevision(); r++) {
        canonical.add(OperationCodec.toJson(c.log.operation(r)));
      }
      c.persistedLog.add(new StoredEntry(SyncCodec.toJson(s), canonical));
    }
    c.persistedHead = c.log.head();
    c.persistedState = json;
    c.persistedText = c.text;
    c.editsSincePersist = 0;
  }

  private void restartClient(SimClient c) {
    if (!faults) {
      return;
    }
    stats.clientRestarts++;
    stats.editsLostInRestart += c.editsSincePersist;
    trace(c + " restarts from r" + c.persistedHead + ", losing " + c.editsSincePersist + " edits");
    drop(c);
    MemoryLog log = new MemoryLog();
    for (StoredEntry e : c.persistedLog) {
      SequencedBatch s = SyncCodec.sequencedBatchFromJson(e.sequencedJson());
      List<TextOperation> canonical = new ArrayList<>();
      for (String op : e.canonicalJson()) {
        canonical.add(OperationCodec.fromJson(op));
      }
      if (!canonical.equals(Canonicaliser.canonicalise(log, s.batch()))) {
        throw violation(c + " stored canonical operations that canonicalise differently");
      }
      log.append(s, canonical);
    }
    ClientState state = SyncCodec.clientStateFromJson(c.persistedState);
    c.log = log;
    c.sync = ClientSync.restore(state, log, c.maxBatchOperations);
    c.text = c.persistedText;
    c.editsSincePersist = 0;
    checkLength(c);
  }

  // ---- invariants ----

  private void checkLength(SimClient c) {
    int actual = CodePoints.count(c.text);
    if (actual != c.sync.localLength()) {
      throw violation(
          c + " text has " + actual + " code points but localLength() is " + c.sync.localLength());
    }
  }

  private void checkConverged() {
    String expected = server.text();
    String replayed = "";
    for (TextOperation op : server.log().operations()) {
      replayed = op.apply(replayed);
    }
    if (!replayed.equals(expected)) {
      throw violation("the server's log does not replay to its text");
    }
    for (SimClient c : clients) {
      if (!c.text.equals(expected)) {
        throw violation(c + " text differs:\n  client: " + c.text + "\n  server: " + expected);
      }
      if (!c.log.operations().equals(server.log().operations())) {
        throw violation(c + " canonical log differs from the server's");
      }
      if (!c.log.batches().equals(server.log().batches())) {
        throw violation(c + " sequenced batches differ from the server's");
      }
      if (!c.sync.isSynchronised() || c.sync.unacknowledgedCount() != 0) {
        throw violation(c + " is not synchronised");
      }
      if (c.sync.revision() != server.head()) {
        throw violation(c + " is at r" + c.sync.revision() + ", server at r" + server.head());
      }
      checkLength(c);
    }
    Map<String, Long> lastSeq = new HashMap<>();
    for (SequencedBatch s : server.log().batches()) {
      String id = s.author() + "/" + s.batch().clientId();
      long expectedSeq = lastSeq.getOrDefault(id, 0L) + 1;
      if (s.batch().batchSeq() != expectedSeq) {
        throw violation(
            id + " batch " + s.batch().batchSeq() + " where " + expectedSeq + " was due");
      }
      lastSeq.put(id, expectedSeq);
    }
  }

  private void trace(String event) {
    if (trace.size() == 60) {
      trace.removeFirst();
    }
    trace.addLast("t" + now + " " + event);
  }

  private InvariantViolation violation(String message) {
    return new InvariantViolation(describeFailure(message));
  }

  private String describeFailure(String message) {
    return "seed "
        + seed
        + " (rerun alone with -Dquire.sim.seed="
        + seed
        + "): "
        + message
        + "\nlast events:\n  "
        + String.join("\n  ", trace);
  }
}
