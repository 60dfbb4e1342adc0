package dev.quire.relay.postgres;

import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits appends on one thread, as many as are waiting (up to {@value #MAX_GROUP}) in one
 * transaction ({@link PgAppendGroup}): the round trips to PostgreSQL are paid per group, not per
 * append. An append that fails alone (bad data) does not fail its group: a group whose transaction
 * fails for another reason than the database being unreachable is committed again one append at a
 * time. When the database cannot be reached, every append of the group fails with a {@link
 * StoreException} (nothing of it stored); a resend later is recognised as a duplicate if the commit
 * got through after all.
 */
final class PgAppender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgAppender.class);
  static final int MAX_GROUP = 512;
  // A group that deadlocked with another transaction (which the locking order rules out among
  // appends, not against every other writer) is tried again this often.
  private static final int DEADLOCK_TRIES = 3;

  private record Item(HistoryStore.Append append, Consumer<PgAppendGroup.Result> outcome) {}

  private static final Item STOP = new Item(null, r -> {});

  private final PgDatabase db;
  private final boolean notify;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  /** With {@code notify}, each commit notifies the listening relays of the heads it moved. */
  PgAppender(PgDatabase db, boolean notify) {
    this.db = db;
    this.notify = notify;
    this.thread = new Thread(this::run, "pg-appender");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues {@code append}; {@code outcome} is told, on the appender's thread, what became of it.
   */
  void append(HistoryStore.Append append, Consumer<PgAppendGroup.Result> outcome) {
    Objects.requireNonNull(append, "append == null");
    Objects.requireNonNull(outcome, "outcome == null");
    StoreException bad = PgText.check(append);
    if (bad != null) {
      outcome.accept(new PgAppendGroup.Failed(bad));
      return;
    }
    if (closed) {
      outcome.accept(new PgAppendGroup.Failed(new StoreException("the relay is stopping")));
      return;
    }
    queue.add(new Item(append, outcome));
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
        failRemaining();
        return;
      }
    }
  }

  private void commit(List<Item> group) {
    List<HistoryStore.Append> appends = new ArrayList<>(group.size());
    for (Item i : group) {
      appends.add(i.append());
    }
    List<PgAppendGroup.Result> results;
    try {
      results = commitWithRetry(appends);
    } catch (SQLException e) {
      if (group.size() > 1 && !unreachable(e)) {
        for (Item i : group) { // find the one that fails, and commit the others
          commit(List.of(i));
        }
        return;
      }
      StoreException failure = PgDatabase.failure("appending " + describe(appends), e);
      results = new ArrayList<>();
      for (int i = 0; i < group.size(); i++) {
        results.add(new PgAppendGroup.Failed(failure));
      }
    }
    for (int i = 0; i < group.size(); i++) {
      try {
        group.get(i).outcome().accept(results.get(i));
      } catch (RuntimeException e) {
        log.error("an append's outcome handler failed", e);
      }
    }
  }

  private List<PgAppendGroup.Result> commitWithRetry(List<HistoryStore.Append> appends)
      throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = db.connection()) {
        return PgAppendGroup.commit(c, appends, notify);
      } catch (SQLException e) {
        if (attempt >= DEADLOCK_TRIES || !PgErrors.isSerializationFailure(e)) {
          throw e;
        }
      }
    }
  }

  /** True when the failure is the database's, not the data's: every append would fail alike. */
  private static boolean unreachable(SQLException e) {
    return e instanceof SQLTransientException || PgErrors.isUnavailable(e);
  }

  private static String describe(List<HistoryStore.Append> appends) {
    return appends.size() == 1
        ? "to " + appends.get(0).doc()
        : appends.size() + " batches to " + appends.get(0).doc() + " and others";
  }

  private void failRemaining() {
    List<Item> left = new ArrayList<>();
    queue.drainTo(left);
    for (Item i : left) {
      if (i != STOP) {
        i.outcome().accept(new PgAppendGroup.Failed(new StoreException("the relay is stopping")));
      }
    }
  }

  /** Commits what is queued, then stops the thread; appends given later fail. */
  @Override
  public void close() {
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
