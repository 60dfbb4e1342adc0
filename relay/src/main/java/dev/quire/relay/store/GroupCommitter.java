package dev.quire.relay.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes appends of every document durable, in the order they were given, in two steps (ADR 0006):
 *
 * <ol>
 *   <li>The journal thread writes each group of appends to the {@link Journal} with one write and
 *       then tells their outcomes: written to the journal is committed, so acknowledged still means
 *       committed.
 *   <li>The commit thread then writes whatever the journal holds that H2 does not yet, in one H2
 *       transaction, and empties the journal from time to time once H2 has it all.
 * </ol>
 *
 * <p>A read of a document's history first waits until that document's appends given before it are
 * in H2 ({@link Database.AppendGate}), so nobody ever reads a history that lacks an acknowledged
 * batch; reads of other documents, users and roles do not wait for it. The journal thread checks
 * that each append continues its document's head, so that what it writes always applies to H2
 * later; an append that does not fails alone, storing nothing.
 */
public final class GroupCommitter implements BatchAppender, Database.AppendGate {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_GROUP = 2048;
  private static final int MAX_APPLY_GROUP = 4 * MAX_GROUP;
  // How long the commit thread waits for more before committing a group to H2. Every H2 commit
  // rewrites each B-tree page it touched, so a group of many batches costs far less per batch;
  // nobody's acknowledgement waits for this, and a reader cuts it short (WAKE).
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  // Operations in the journal but not yet in H2 beyond which the journal waits for H2: bounds
  // memory, and how long a read may wait for H2 (about a second of its work on 2 cores).
  private static final int MAX_BEHIND_OPS = 20_000;
  // The journal is emptied once H2 holds all of it and it has grown past this.
  private static final long CLEAR_JOURNAL_BYTES = 16L << 20;

  private record Item(HistoryStore.Append append, Callback callback) {}

  /**
   * An append on its way to H2; null for one that failed, which still counts as settled. A class,
   * not a record: the markers below must equal only themselves.
   */
  private static final class Journaled {
    final HistoryStore.Append append;

    Journaled(HistoryStore.Append append) {
      this.append = append;
    }
  }

  private static final Item STOP = new Item(null, null);
  private static final Journaled STOP_APPLYING = new Journaled(null);
  private static final Journaled WAKE = new Journaled(null); // a reader waits: commit now

  private final Database db;
  private final Journal journal;
  private final LongConsumer commitNanos;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Journaled> toApply = new LinkedBlockingQueue<>();
  private final AtomicInteger unjournaled = new AtomicInteger(); // queued or being journaled
  private final Thread journalThread;
  private final Thread commitThread;

  // Held while writing the journal: by the journal thread, or by a caller of tryAppendNow.
  private final ReentrantLock writing = new ReentrantLock();
  private final Map<String, Long> journaledHeads = new HashMap<>(); // guarded by writing
  private Connection headConnection; // guarded by writing
  private PreparedStatement headQuery; // guarded by writing
  private volatile long
      journaled; // appends given to toApply, failed ones too; written under writing

  // Appends given to append()/tryAppendNow, and those of them settled (in H2, or failed), in the
  // order they were given: a read waits until settled reaches what was given before it.
  private final Object handing = new Object();
  private long handed; // guarded by handing
  private long settled; // guarded by handing; notified on change
  private long behindOps; // operations in the journal and not yet in H2; guarded by handing
  // For each document, the count of appends given up to and including its last one: a read of the
  // document waits until settled reaches it. Guarded by handing; settled entries are pruned.
  private final Map<String, long[]> lastHandedOf = new HashMap<>();
  private int pruneAt = 4096;

  private volatile StoreException broken; // H2 failed to take what the journal holds
  private volatile boolean closed;

  GroupCommitter(Database db, Journal journal, LongConsumer commitNanos) {
    this.db = db;
    this.journal = journal;
    this.commitNanos = commitNanos;
    this.journalThread = new Thread(this::journalLoop, "quire-journal");
    this.commitThread = new Thread(this::commitLoop, "quire-commit");
    journalThread.setDaemon(true);
    commitThread.setDaemon(true);
    db.gate(this);
    journalThread.start();
    commitThread.start();
  }

  /**
   * Queues an append; {@code callback} is told on the journal thread once it is committed or failed
   * (an append that does not continue its document's head fails: this relay is the only writer, so
   * that is a bug or a stale caller, never a conflict).
   *
   * @throws IllegalStateException when the committer is closed
   */
  @Override
  public void append(HistoryStore.Append append, Callback callback) {
    Objects.requireNonNull(append, "append == null");
    Objects.requireNonNull(callback, "callback == null");
    if (closed) {
      throw new IllegalStateException("the committer is closed");
    }
    synchronized (handing) {
      handed++;
      handedFor(append.doc());
      unjournaled.incrementAndGet();
      queue.add(new Item(append, callback));
    }
  }

  /**
   * Commits {@code append} on the calling thread, if nothing is queued or being committed, and then
   * tells {@code callback} on this thread too; returns false, having done nothing, otherwise. For a
   * caller with nothing else of its document in flight: appends given to {@link #append} before are
   * not waited for.
   */
  @Override
  public boolean tryAppendNow(HistoryStore.Append append, Callback callback) {
    Objects.requireNonNull(append, "append == null");
    Objects.requireNonNull(callback, "callback == null");
    if (closed || unjournaled.get() > 0 || !writing.tryLock()) {
      return false;
    }
    StoreException failure;
    try {
      synchronized (handing) {
        if (unjournaled.get() > 0 || behindOps >= MAX_BEHIND_OPS) {
          return false; // others go first, in order
        }
        handed++;
        handedFor(append.doc());
      }
      failure = writeJournal(List.of(new Item(append, callback)))[0];
    } finally {
      writing.unlock();
    }
    callback.done(outcome(failure));
    return true;
  }

  /**
   * Writes a change H2 has committed to the journal, on the calling thread: from then on it
   * survives a crash as an acknowledged append does.
   *
   * @throws StoreException when the journal cannot be written
   */
  void journal(StoredChange change) {
    writing.lock();
    try {
      journal.write(change);
    } finally {
      writing.unlock();
    }
  }

  /** True: the data directory is locked by this process, which is its only writer. */
  @Override
  public boolean isOnlyWriter() {
    return true;
  }

  /** True when nothing is queued or being written to the journal, so every outcome was told. */
  @Override
  public boolean isIdle() {
    return unjournaled.get() == 0;
  }

  /** Why H2 could not take what the journal holds, or null while all is well. */
  public StoreException failure() {
    return broken;
  }

  /** Records that {@code doc}'s latest append is the one just given. Holds handing. */
  private void handedFor(String doc) {
    long[] last = lastHandedOf.get(doc);
    if (last == null) {
      if (lastHandedOf.size() >= pruneAt) {
        lastHandedOf.values().removeIf(l -> l[0] <= settled);
        pruneAt = Math.max(4096, 2 * lastHandedOf.size());
      }
      last = new long[1];
      lastHandedOf.put(doc, last);
    }
    last[0] = handed;
  }

  /**
   * Waits until every append given before this call is in H2 (or failed). Called before reads that
   * concern every document (listing them, backups).
   */
  @Override
  public void awaitAll() {
    if (Thread.currentThread() == commitThread) {
      return;
    }
    synchronized (handing) {
      awaitSettled(handed);
    }
  }

  /**
   * Waits until every append of {@code doc} given before this call is in H2 (or failed), and no
   * longer: appends of other documents given after that document's last one are not waited for.
   */
  @Override
  public void awaitDocument(String doc) {
    if (Thread.currentThread() == commitThread) {
      return;
    }
    synchronized (handing) {
      long[] last = lastHandedOf.get(doc);
      if (last != null) {
        awaitSettled(last[0]);
      }
    }
  }

  /** Waits, holding handing, until {@code target} appends are settled. */
  private void awaitSettled(long target) {
    if (Thread.currentThread() == journalThread) {
      target = Math.min(target, journaled); // it waits only for what it has written already
    }
    if (settled < target) {
      wakeCommitThread();
    }
    boolean interrupted = false;
    while (settled < target && commitThread.isAlive()) {
      try {
        handing.wait(100);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // --- the journal thread ---

  private void journalLoop() {
    List<Item> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      stop = group.remove(STOP);
      if (!group.isEmpty()) {
        waitForH2ToCatchUp();
        StoreException[] outcomes;
        writing.lock();
        try {
          outcomes = writeJournal(group);
        } finally {
          writing.unlock();
        }
        for (int i = 0; i < outcomes.length; i++) {
          tell(group.get(i), outcomes[i]);
        }
        unjournaled.addAndGet(-group.size()); // idle only once told, so a stop waits for acks
      }
      group.clear();
    }
    toApply.add(STOP_APPLYING);
    LockSupport.unpark(commitThread);
  }

  private void waitForH2ToCatchUp() {
    synchronized (handing) {
      if (behindOps >= MAX_BEHIND_OPS) {
        wakeCommitThread(); // it may be lingering for more
      }
      while (behindOps >= MAX_BEHIND_OPS && commitThread.isAlive()) {
        try {
          handing.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Writes the appends that continue their documents to the journal in one write and hands them to
   * the commit thread; returns each one's outcome (null: committed), in order. An append that does
   * not continue its document fails alone.
   */
  private StoreException[] writeJournal(List<Item> group) {
    StoreException[] outcomes = new StoreException[group.size()];
    List<HistoryStore.Append> fit = new ArrayList<>(group.size());
    Map<String, Long> heads = new HashMap<>();
    for (int i = 0; i < group.size(); i++) {
      HistoryStore.Append a = group.get(i).append();
      outcomes[i] = broken != null ? broken : refuse(a, heads);
      if (outcomes[i] == null) {
        heads.put(a.doc(), a.entry().lastRevision());
        fit.add(a);
      }
    }
    boolean written = false;
    if (!fit.isEmpty()) {
      long t0 = System.nanoTime();
      try {
        journal.write(fit);
        commitNanos.accept(System.nanoTime() - t0);
        journaledHeads.putAll(heads);
        written = true;
      } catch (StoreException e) {
        for (int i = 0; i < outcomes.length; i++) {
          if (outcomes[i] == null) {
            outcomes[i] = e;
          }
        }
      }
    }
    if (written) {
      synchronized (handing) {
        behindOps += operations(fit);
      }
    }
    // Every append goes to the commit thread, failed ones as nothing, so that they are settled in
    // the order they were given.
    for (int i = 0; i < outcomes.length; i++) {
      toApply.add(new Journaled(written && outcomes[i] == null ? group.get(i).append() : null));
    }
    journaled += outcomes.length;
    return outcomes;
  }

  /** Why {@code a} cannot be written, or null when it continues its document's head. */
  private StoreException refuse(HistoryStore.Append a, Map<String, Long> inGroup) {
    Long head = inGroup.get(a.doc());
    if (head == null) {
      head = journaledHeads.get(a.doc());
    }
    if (head == null) {
      try {
        head = storedHead(a.doc());
      } catch (SQLException e) {
        return new StoreException("reading the head of " + a.doc() + ": " + e.getMessage(), e);
      }
      if (head == null) {
        return new StoreException("document " + a.doc() + " does not exist or was deleted");
      }
      journaledHeads.put(a.doc(), head);
    }
    if (head != a.entry().firstRevision() - 1) {
      return new StoreException(
          "document " + a.doc() + " is not at revision " + (a.entry().firstRevision() - 1));
    }
    return null;
  }

  /** The head H2 holds: nothing of the document is in the journal since this relay started. */
  private Long storedHead(String doc) throws SQLException {
    if (headConnection == null) {
      headConnection = db.connection();
      headQuery =
          headConnection.prepareStatement(
              "SELECT head FROM documents WHERE id = ? AND deleted_at IS NULL");
    }
    headQuery.setString(1, doc);
    try (ResultSet rs = headQuery.executeQuery()) {
      return rs.next() ? rs.getLong(1) : null;
    }
  }

  // --- the commit thread ---

  private void commitLoop() {
    List<Journaled> group = new ArrayList<>();
    Connection connection = null;
    AppendWriter writer = null;
    boolean stop = false;
    try {
      while (!stop) {
        try {
          collect(group);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        stop = group.remove(STOP_APPLYING);
        List<HistoryStore.Append> appends = new ArrayList<>(group.size());
        for (Journaled j : group) {
          if (j.append != null) {
            appends.add(j.append);
          }
        }
        if (!appends.isEmpty() && broken == null) {
          try {
            if (connection == null) {
              connection = db.connection();
              connection.setAutoCommit(false);
              writer = new AppendWriter(connection);
            }
            store(connection, writer, appends);
          } catch (SQLException | RuntimeException e) {
            broken = new StoreException("the relay's database failed: " + e.getMessage(), e);
            log.error(
                "Writing journaled batches to the database failed; they stay in the journal {}"
                    + " and are written on the next start. No further batches are accepted.",
                journal.file(),
                e);
            writer = null;
            connection = closeQuietly(connection);
          }
        }
        int ops = operations(appends);
        synchronized (handing) {
          settled += group.size();
          behindOps -= ops;
          handing.notifyAll();
        }
        group.clear();
        if (journal.size() >= CLEAR_JOURNAL_BYTES && broken == null && toApply.isEmpty()) {
          writer = null; // the database is closed and opened again: a new connection after
          connection = closeQuietly(connection);
          maybeClearJournal();
        }
      }
    } finally {
      closeQuietly(connection);
    }
  }

  /** Cuts the commit thread's linger short: somebody waits for H2. */
  private void wakeCommitThread() {
    toApply.add(WAKE);
    LockSupport.unpark(commitThread);
  }

  /**
   * Takes the next group for H2: what is waiting, plus what arrives within {@link #LINGER_NANOS}
   * unless somebody waits to read or the relay stops. Nobody's acknowledgement waits for H2, and
   * every H2 commit rewrites the pages it touched, so fewer, larger commits cost less CPU. It
   * lingers asleep rather than waiting on the queue, which would wake it for every append.
   */
  private void collect(List<Journaled> group) throws InterruptedException {
    group.add(toApply.take());
    long deadline = System.nanoTime() + LINGER_NANOS;
    while (group.size() < MAX_APPLY_GROUP) {
      toApply.drainTo(group, MAX_APPLY_GROUP - group.size());
      if (group.contains(WAKE) || group.contains(STOP_APPLYING)) {
        break;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      LockSupport.parkNanos(this, left); // woken early by wakeCommitThread and at the stop
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    group.removeIf(j -> j == WAKE); // more than one reader may have woken it
  }

  private static void store(Connection c, AppendWriter writer, List<HistoryStore.Append> appends)
      throws SQLException {
    try {
      for (HistoryStore.Append a : appends) {
        writer.add(a);
      }
      writer.flush();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      writer.clear();
      c.rollback();
      throw e;
    }
  }

  /**
   * Empties the journal once it has grown past {@link #CLEAR_JOURNAL_BYTES} and H2 holds all of it:
   * H2 is first closed and opened again (with the commit thread's connection closed), so that its
   * file holds everything findably even after a crash. Returns whether it did.
   */
  private boolean maybeClearJournal() {
    if (journal.size() < CLEAR_JOURNAL_BYTES || broken != null || !toApply.isEmpty()) {
      return false;
    }
    writing.lock();
    try {
      long done;
      synchronized (handing) {
        done = settled;
      }
      if (done != journaled || broken != null) {
        return false;
      }
      headConnection = closeQuietly(headConnection);
      try {
        db.reopen();
      } catch (StoreException e) {
        broken = new StoreException("the relay's database failed: " + e.getMessage(), e);
        log.error(
            "Opening the database again failed; the journal {} keeps everything and is written"
                + " on the next start. No further batches are accepted.",
            journal.file(),
            e);
        return false;
      }
      journal.clear(); // H2 holds everything the journal does, and finds it after a crash
      return true;
    } catch (StoreException e) {
      log.warn("{}; it is emptied later", e.getMessage());
      return false;
    } finally {
      writing.unlock();
    }
  }

  private static int operations(List<HistoryStore.Append> appends) {
    int n = 0;
    for (HistoryStore.Append a : appends) {
      n += a.entry().batch().size();
    }
    return n;
  }

  private static AppendOutcome outcome(StoreException failure) {
    return failure == null ? AppendOutcome.COMMITTED : new AppendOutcome.Failed(failure);
  }

  private static void tell(Item item, StoreException failure) {
    try {
      item.callback().done(outcome(failure));
    } catch (RuntimeException e) {
      log.error("An append's outcome handler failed", e);
    }
  }

  private static Connection closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        log.warn("Closing the committer's connection: {}", e.getMessage());
      }
    }
    return null;
  }

  /**
   * Journals what is queued, writes everything to H2, then stops; {@link EmbeddedStorage#close}
   * empties the journal once H2 is closed. Appends given after this fail.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    join(journalThread);
    // Only an append racing with close can be here; it was never written.
    for (Item late; (late = queue.poll()) != null; ) {
      if (late != STOP) {
        tell(late, new StoreException("the relay is stopping; nothing was stored"));
        unjournaled.decrementAndGet();
        synchronized (handing) {
          settled++;
        }
      }
    }
    join(commitThread);
    writing.lock();
    try {
      headConnection = closeQuietly(headConnection);
    } finally {
      writing.unlock();
    }
    db.gate(null);
  }

  /**
   * True once {@link #close} wrote everything the journal holds to H2: the journal may be emptied
   * once H2 is closed (not before: until then H2's file may lack its latest commits).
   */
  boolean drained() {
    return closed && broken == null && !commitThread.isAlive() && !journalThread.isAlive();
  }

  private static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
