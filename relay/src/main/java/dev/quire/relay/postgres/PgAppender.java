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
import java.util.Objects;
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
  private final Semaphore turns = new Semaphore(MAX_TURNS);
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

  /** A run that conflicts holds its document's next turn ({@link Turn}) for its caller. */
  @Override
  public void appendRun(List<HistoryStore.Append> run, RunCallback callback) {
    enqueue(run, callback, true);
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
      if (r.committed() == 0
          && group.get(i).turns()
          && r.stop() instanceof AppendOutcome.Conflict
          && !closed
          && turns.tryAcquire()) {
        holdTurn(group.get(i), r);
      } else {
        tell(group.get(i), r);
      }
    }
  }

  /**
   * Holds the next turn of a conflicting run's document for its relay, on a thread of its own: a
   * transaction locks the document's row (after the transactions waiting for it already), reads
   * what the run missed, and tells the relay so with the turn; the relay's next run, placed after
   * those batches, is then stored in that transaction, before any other relay's. Without a turn,
   * the relay that won would mostly win again, its next run ready before the loser's retry.
   */
  private void holdTurn(Item item, RunOutcome conflict) {
    try {
      turnThreads.execute(() -> turn(item, conflict));
    } catch (RuntimeException e) { // stopping
      turns.release();
      tell(item, conflict);
    }
  }

  private void turn(Item item, RunOutcome conflict) {
    HistoryStore.Append first = item.run().get(0);
    boolean told = false;
    PgTurn.Given given = null;
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        PgAppendGroup.Locked locked =
            PgAppendGroup.lockForTurn(c, first.doc(), first.expectedHead());
        if (locked == null) {
          c.rollback();
        } else {
          PgTurn turn = new PgTurn(this);
          told = true;
          tell(
              item,
              new RunOutcome(0, new AppendOutcome.Conflict(locked.head(), locked.missed(), turn)));
          given = turn.await(TURN_MILLIS);
          if (given == null) {
            c.rollback();
          } else {
            pending.incrementAndGet();
            long start = System.nanoTime();
            List<RunOutcome> r = PgAppendGroup.decideAndWrite(c, List.of(given.run()));
            c.commit();
            commitNanos.accept(System.nanoTime() - start);
            PgTurn.Given g = given;
            given = null;
            tellRun(g.callback(), r.get(0));
          }
        }
      } catch (SQLException | RuntimeException | InterruptedException e) {
        PgDatabase.rollbackQuietly(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException | InterruptedException e) {
      if (!(e instanceof InterruptedException)) {
        log.warn("A turn of {} failed: {}", first.doc(), e.toString());
      }
      if (given != null) {
        StoreException failure =
            e instanceof SQLException sql
                ? PgDatabase.failure("appending to " + first.doc(), sql)
                : new StoreException("appending to " + first.doc() + " failed: " + e, e);
        tellRun(given.callback(), new RunOutcome(0, new AppendOutcome.Failed(failure)));
      }
    } finally {
      turns.release();
      if (!told) {
        tell(item, conflict);
      }
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
