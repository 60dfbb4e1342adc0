package dev.quire.relay.postgres;

import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RunOutcome;
import dev.quire.relay.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits appends on one thread, as many runs as are waiting (up to {@value #MAX_GROUP}) in one
 * transaction ({@link PgAppendGroup}): the round trips to PostgreSQL are paid per group, not per
 * append. An append that fails alone (bad data) does not fail its group: a group whose transaction
 * fails for another reason than the database being unreachable is committed again one append at a
 * time. When the database cannot be reached, every append of the group fails with a {@link
 * StoreException} (nothing of it stored); a resend later is recognised as a duplicate if the commit
 * got through after all.
 */
final class PgAppender implements BatchAppender {
  private static final Logger log = LoggerFactory.getLogger(PgAppender.class);
  static final int MAX_GROUP = 512;
  // A group that deadlocked with another transaction (which the locking order rules out among
  // appends, not against every other writer) is tried again this often.
  private static final int DEADLOCK_TRIES = 3;

  /** A run of appends to decide together ({@link #appendRun}); a lone append is a run of one. */
  private record Item(List<HistoryStore.Append> run, RunCallback callback, boolean turns) {}

  private static final Item STOP = new Item(List.of(), outcome -> {}, false);
  // Turns held at once (each a thread and a connection while the relay sequences its next run),
  // and how long one waits for that run.
  private static final int MAX_TURNS = 2;
  static final long TURN_MILLIS = 500;
  // A turn whose run conflicts (another relay stored first, before the row was locked) keeps the
  // lock for the run placed after those batches, this many times in all.
  private static final int MAX_TURN_ROUNDS = 3;
  private final Semaphore turns = new Semaphore(MAX_TURNS);
  // Documents whose runs conflicted in the last CONTENDED_NANOS, when: their runs go to a turn.
  private static final long CONTENDED_NANOS = 1_000_000_000L;
  private static final int MAX_CONTENDED = 1024;
  private final Map<String, Long> contended = new ConcurrentHashMap<>();
  private final ExecutorService turnThreads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "pg-appender-turn");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger pending = new AtomicInteger(); // given, not yet told
  private final LongConsumer commitNanos;

  private final PgDatabase db;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  PgAppender(PgDatabase db, LongConsumer commitNanos) {
    this.db = db;
    this.commitNanos = commitNanos;
    this.thread = new Thread(this::run, "pg-appender");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void append(HistoryStore.Append append, Callback callback) {
    Objects.requireNonNull(append, "append == null");
    Objects.requireNonNull(callback, "callback == null");
    enqueue(List.of(append), outcome -> callback.done(outcome.stop()), false);
  }

  /**
   * A run that conflicts holds its document's next turn ({@link Turn}) for its caller. A run of a
   * document that conflicted lately (another relay writes it too) is written in a transaction of
   * its own, which holds the row's lock when it conflicts: its turn comes without a second lock.
   */
  @Override
  public void appendRun(List<HistoryStore.Append> run, RunCallback callback) {
    String doc = run.isEmpty() ? null : run.get(0).doc();
    Long conflicted = doc == null ? null : contended.get(doc);
    if (conflicted != null
        && System.nanoTime() - conflicted < CONTENDED_NANOS
        && run.stream().allMatch(a -> PgText.check(a) == null)
        && !closed
        && turns.tryAcquire()) {
      PgTurn.Given given = new PgTurn.Given(List.copyOf(run), callback);
      pending.incrementAndGet();
      try {
        turnThreads.execute(() -> turn(doc, null, given));
        return;
      } catch (RuntimeException e) { // stopping: refused by the queue as any other
        pending.decrementAndGet();
        turns.release();
      }
    }
    enqueue(run, callback, true);
  }

  /** Remembers that a run of {@code doc} conflicted: another relay writes it too. */
  private void conflicted(String doc) {
    if (contended.size() >= MAX_CONTENDED) {
      long now = System.nanoTime();
      contended.values().removeIf(at -> now - at >= CONTENDED_NANOS);
    }
    contended.put(doc, System.nanoTime());
  }

  private void enqueue(List<HistoryStore.Append> run, RunCallback callback, boolean turns) {
    Objects.requireNonNull(callback, "callback == null");
    if (run.isEmpty()) {
      throw new IllegalArgumentException("an empty run");
    }
    if (closed) {
      throw new IllegalStateException("the appender is closed");
    }
    // A batch PostgreSQL cannot store fails alone: the ones before it are appended, the rest not.
    for (int i = 0; i < run.size(); i++) {
      StoreException bad = PgText.check(run.get(i));
      if (bad != null) {
        if (i == 0) {
          callback.done(new RunOutcome(0, new AppendOutcome.Failed(bad)));
          return;
        }
        int storable = i;
        enqueue(
            run.subList(0, storable),
            outcome ->
                callback.done(
                    outcome.isComplete()
                        ? new RunOutcome(storable, new AppendOutcome.Failed(bad))
                        : outcome),
            turns);
        return;
      }
    }
    pending.incrementAndGet();
    queue.add(new Item(List.copyOf(run), callback, turns));
  }

  @Override
  public boolean isIdle() {
    return pending.get() == 0;
  }

  private void run() {
    List<Item> group = new ArrayList<>();
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      boolean stop = group.remove(STOP);
      if (!group.isEmpty()) {
        commit(group);
      }
      group.clear();
      if (stop) {
        // Appends that raced with close() came after STOP: they are refused, not lost.
        List<Item> late = new ArrayList<>();
        queue.drainTo(late);
        for (Item i : late) {
          tell(
              i,
              new RunOutcome(
                  0, new AppendOutcome.Failed(new StoreException("the relay is stopping"))));
        }
        return;
      }
    }
  }

  private void commit(List<Item> group) {
    List<List<HistoryStore.Append>> runs = new ArrayList<>(group.size());
    for (Item i : group) {
      runs.add(i.run());
    }
    List<RunOutcome> results;
    long start = System.nanoTime();
    try {
      results = commitWithRetry(runs);
      commitNanos.accept(System.nanoTime() - start);
    } catch (SQLException | RuntimeException e) { // a RuntimeException is a bug: keep serving
      if (group.size() > 1 && !unreachable(e)) {
        for (Item i : group) { // find the one that fails, and commit the others
          commit(List.of(i));
        }
        return;
      }
      StoreException failure =
          e instanceof SQLException sql
              ? PgDatabase.failure("appending " + describe(runs), sql)
              : new StoreException("appending " + describe(runs) + " failed: " + e, e);
      results = new ArrayList<>();
      for (int i = 0; i < group.size(); i++) {
        results.add(new RunOutcome(0, new AppendOutcome.Failed(failure)));
      }
    }
    for (int i = 0; i < group.size(); i++) {
      RunOutcome r = results.get(i);
      if (r.stop() instanceof AppendOutcome.Conflict) {
        conflicted(group.get(i).run().get(0).doc());
      }
      if (r.committed() == 0
          && group.get(i).turns()
          && r.stop() instanceof AppendOutcome.Conflict conflict
          && !conflict.missed().isEmpty()
          && !closed
          && turns.tryAcquire()) {
        holdTurn(group.get(i), conflict);
      } else {
        tell(group.get(i), r);
      }
    }
  }

  /**
   * Holds the next turn of a conflicting run's document for its relay: the relay is told the
   * conflict at once, with the batches the run missed (read by the group's call, under the lock),
   * while a transaction on a thread and connection of its own locks the document's row (after the
   * transactions waiting for it already). The relay takes in the missed batches and sequences its
   * run again meanwhile; the run, given through the turn, is stored in that transaction, before any
   * other relay's append of the document that queued behind it. Without a turn, the relay that won
   * would mostly win again, its next run ready before the loser's retry.
   */
  private void holdTurn(Item item, AppendOutcome.Conflict conflict) {
    PgTurn turn = new PgTurn(this);
    String doc = item.run().get(0).doc();
    try {
      turnThreads.execute(() -> turn(doc, turn, null));
    } catch (RuntimeException e) { // stopping
      turns.release();
      tell(item, new RunOutcome(0, conflict));
      return;
    }
    tell(
        item,
        new RunOutcome(0, new AppendOutcome.Conflict(conflict.head(), conflict.missed(), turn)));
  }

  /**
   * Holds a turn of {@code doc}: locks its row, then stores the run given through {@code first} in
   * that transaction; or, given {@code run} (counted as pending), stores it at once, the call
   * taking the lock. A run that conflicts there keeps the lock for the run placed after what it
   * missed, given through the next turn it is handed.
   */
  private void turn(String doc, PgTurn first, PgTurn.Given run) {
    PgTurn turn = first;
    PgTurn.Given given = run;
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        if (given == null) {
          PgAppendGroup.lock(c, doc);
          turn.locked();
        }
        for (int round = 1; ; round++) {
          if (given == null) {
            given = turn.await(TURN_MILLIS);
            if (given == null) {
              c.rollback();
              return;
            }
            pending.incrementAndGet();
          }
          long start = System.nanoTime();
          RunOutcome r = PgAppendGroup.decideAndWrite(c, List.of(given.run())).get(0);
          if (r.committed() == 0
              && r.stop() instanceof AppendOutcome.Conflict conflict
              && !conflict.missed().isEmpty()
              && round < MAX_TURN_ROUNDS
              && !closed) {
            // Another relay stored batches first; nothing was written, and the row stays locked
            // for the run placed after them.
            conflicted(doc);
            PgTurn.Given g = given;
            given = null;
            turn = new PgTurn(this);
            turn.locked();
            tellRun(
                g.callback(),
                new RunOutcome(
                    0, new AppendOutcome.Conflict(conflict.head(), conflict.missed(), turn)));
            continue;
          }
          c.commit();
          commitNanos.accept(System.nanoTime() - start);
          PgTurn.Given g = given;
          given = null;
          tellRun(g.callback(), r);
          return;
        }
      } catch (SQLException | RuntimeException | InterruptedException e) {
        PgDatabase.rollbackQuietly(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException | InterruptedException e) {
      if (!(e instanceof InterruptedException)) {
        log.warn("A turn of {} failed: {}", doc, e.toString());
      }
      if (given != null) {
        StoreException failure =
            e instanceof SQLException sql
                ? PgDatabase.failure("appending to " + doc, sql)
                : new StoreException("appending to " + doc + " failed: " + e, e);
        tellRun(given.callback(), new RunOutcome(0, new AppendOutcome.Failed(failure)));
      } else if (turn != null) {
        turn.giveUp(); // not held: a run given to it goes to the queue
      }
    } finally {
      turns.release();
    }
  }

  private List<RunOutcome> commitWithRetry(List<List<HistoryStore.Append>> runs)
      throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = db.connection()) {
        return PgAppendGroup.commit(c, runs);
      } catch (SQLException e) {
        if (attempt >= DEADLOCK_TRIES || !PgErrors.isSerializationFailure(e)) {
          throw e;
        }
      }
    }
  }

  /** True when the failure is the database's, not the data's: every append would fail alike. */
  private static boolean unreachable(Exception e) {
    return e instanceof SQLTransientException
        || (e instanceof SQLException sql && PgErrors.isUnavailable(sql));
  }

  private static String describe(List<List<HistoryStore.Append>> runs) {
    int batches = runs.stream().mapToInt(List::size).sum();
    String doc = runs.get(0).get(0).doc();
    return batches == 1
        ? "to " + doc
        : batches + " batches to " + doc + (runs.size() == 1 ? "" : " and others");
  }

  private void tell(Item item, RunOutcome outcome) {
    tellRun(item.callback(), outcome);
  }

  private void tellRun(RunCallback callback, RunOutcome outcome) {
    pending.decrementAndGet();
    try {
      callback.done(outcome);
    } catch (RuntimeException e) {
      log.error("an append's callback failed", e);
    }
  }

  /** Decides what is queued, then stops the thread; later appends are refused. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    turnThreads.shutdownNow(); // turns held are given up: their relays' runs go nowhere else
    try {
      turnThreads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
