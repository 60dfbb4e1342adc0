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
import java.util.concurrent.LinkedBlockingQueue;
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
  private record Item(List<HistoryStore.Append> run, RunCallback callback) {}

  private static final Item STOP = new Item(List.of(), outcome -> {});
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
    appendRun(List.of(append), outcome -> callback.done(outcome.stop()));
  }

  @Override
  public void appendRun(List<HistoryStore.Append> run, RunCallback callback) {
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
        appendRun(
            run.subList(0, storable),
            outcome ->
                callback.done(
                    outcome.isComplete()
                        ? new RunOutcome(storable, new AppendOutcome.Failed(bad))
                        : outcome));
        return;
      }
    }
    pending.incrementAndGet();
    queue.add(new Item(List.copyOf(run), callback));
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
      tell(group.get(i), results.get(i));
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
    pending.decrementAndGet();
    try {
      item.callback().done(outcome);
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
  }
}
