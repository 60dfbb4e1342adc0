package dev.quire.relay.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits appends of every document on one thread, in the order they were given, as few
 * transactions as possible: everything that arrives while a commit runs goes into the next one.
 * Each commit writes one H2 chunk however many batches it holds, so commits per second stop
 * limiting batches per second. A batch's callback runs only after its transaction committed (or
 * failed), so acknowledged still means committed.
 *
 * <p>When a group fails, its appends are retried one transaction each, so one bad append (say, a
 * document not at the expected head) fails alone.
 */
public final class GroupCommitter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_GROUP = 2048;

  /** What happened to an append: {@code failure} is null when it committed. */
  public interface Outcome {
    void done(StoreException failure);
  }

  private record Item(HistoryStore.Append append, Outcome outcome) {}

  private static final Item STOP = new Item(null, null);

  private final Database db;
  private final Consumer<Long> commitNanos;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger unfinished = new AtomicInteger(); // queued or being committed
  private final Thread thread;
  // Held while writing: by the committer thread, or by a caller of tryCommitNow.
  private final ReentrantLock writing = new ReentrantLock();
  private Connection connection; // guarded by writing
  private AppendWriter writer; // guarded by writing
  private volatile boolean closed;

  GroupCommitter(Database db, Consumer<Long> commitNanos) {
    this.db = db;
    this.commitNanos = commitNanos;
    this.thread = new Thread(this::loop, "quire-commit");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues an append; {@code outcome} is told on the committer thread once it committed or failed.
   * It must be quick: hand further work to another executor.
   *
   * @throws IllegalStateException when the committer is closed
   */
  public void append(HistoryStore.Append append, Outcome outcome) {
    Objects.requireNonNull(append, "append == null");
    Objects.requireNonNull(outcome, "outcome == null");
    if (closed) {
      throw new IllegalStateException("the committer is closed");
    }
    unfinished.incrementAndGet();
    queue.add(new Item(append, outcome));
  }

  /**
   * Commits {@code append} on the calling thread, if nothing is queued or being committed, and then
   * tells {@code outcome} on this thread too; returns false, having done nothing, otherwise. For a
   * caller with nothing else of its document in flight: appends given to {@link #append} before are
   * not waited for.
   */
  public boolean tryCommitNow(HistoryStore.Append append, Outcome outcome) {
    Objects.requireNonNull(append, "append == null");
    Objects.requireNonNull(outcome, "outcome == null");
    if (closed || !queue.isEmpty() || !writing.tryLock()) {
      return false;
    }
    StoreException failure;
    try {
      if (!queue.isEmpty()) {
        return false; // the committer has work waiting: take a turn in the next group
      }
      long t0 = System.nanoTime();
      failure = write(List.of(new Item(append, outcome)));
      if (failure == null) {
        commitNanos.accept(System.nanoTime() - t0);
      }
    } finally {
      writing.unlock();
    }
    outcome.done(failure);
    return true;
  }

  /** True when nothing is queued or being committed. */
  public boolean isIdle() {
    return unfinished.get() == 0;
  }

  private void loop() {
    List<Item> group = new ArrayList<>();
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      boolean stop = group.remove(STOP);
      if (!group.isEmpty()) {
        writing.lock();
        try {
          commit(group);
        } finally {
          writing.unlock();
        }
      }
      unfinished.addAndGet(-group.size());
      group.clear();
      if (stop) {
        break;
      }
    }
    writing.lock();
    try {
      closeConnection();
    } finally {
      writing.unlock();
    }
    // Only an append racing with close can be here; it was never written.
    for (Item late; (late = queue.poll()) != null; ) {
      if (late != STOP) {
        tell(List.of(late), new StoreException("the relay is stopping; nothing was stored"));
        unfinished.decrementAndGet();
      }
    }
  }

  private void commit(List<Item> group) {
    long t0 = System.nanoTime();
    StoreException failure = write(group);
    if (failure == null) {
      commitNanos.accept(System.nanoTime() - t0);
      tell(group, null);
    } else if (group.size() == 1) {
      tell(group, failure);
    } else {
      for (Item item : group) {
        List<Item> one = List.of(item);
        tell(one, write(one));
      }
    }
  }

  /** Writes and commits {@code items} in one transaction; returns why it failed, or null. */
  private StoreException write(List<Item> items) {
    try {
      if (connection == null) {
        connection = db.connection();
        connection.setAutoCommit(false);
        writer = new AppendWriter(connection);
      }
      for (Item item : items) {
        writer.add(item.append());
      }
      writer.flush();
      connection.commit();
      return null;
    } catch (SQLException | RuntimeException e) {
      StoreException failure =
          e instanceof StoreException se
              ? se
              : new StoreException("committing to the history failed: " + e.getMessage(), e);
      rollback();
      return failure;
    }
  }

  private void rollback() {
    try {
      if (connection != null) {
        writer.clear();
        connection.rollback();
      }
    } catch (SQLException e) {
      log.warn("Rolling back failed; opening a new connection: {}", e.getMessage());
      closeConnection();
    }
  }

  private static void tell(List<Item> items, StoreException failure) {
    for (Item item : items) {
      try {
        item.outcome().done(failure);
      } catch (RuntimeException e) {
        log.error("An append's outcome handler failed", e);
      }
    }
  }

  private void closeConnection() {
    try {
      if (writer != null) {
        writer.close();
      }
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      log.warn("Closing the committer's connection: {}", e.getMessage());
    }
    writer = null;
    connection = null;
  }

  /** Commits what is queued, then stops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
