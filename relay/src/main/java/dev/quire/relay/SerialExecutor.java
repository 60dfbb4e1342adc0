package dev.quire.relay;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order given, on a shared pool: each document's work is
 * serialised while different documents run in parallel. After a few tasks it yields its thread so
 * that one busy document cannot starve the others.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  private static final int TASKS_PER_TURN = 32;

  private final Executor pool;
  private final AtomicInteger pending;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final ArrayDeque<Runnable> urgent = new ArrayDeque<>(); // run before tasks, in order
  private boolean scheduled;

  /** {@code pending} counts queued tasks across all executors sharing it, for metrics. */
  SerialExecutor(Executor pool, AtomicInteger pending) {
    this.pool = pool;
    this.pending = pending;
  }

  /**
   * Queues {@code task}.
   *
   * @throws RejectedExecutionException when the pool is shut down and this executor is idle
   */
  @Override
  public void execute(Runnable task) {
    enqueue(task, tasks);
  }

  /**
   * Queues {@code task} ahead of every task given to {@link #execute} (after the urgent ones given
   * before it): for finishing work already started, such as sending what was committed, which
   * should not wait behind new requests.
   *
   * @throws RejectedExecutionException when the pool is shut down and this executor is idle
   */
  void executeUrgent(Runnable task) {
    enqueue(task, urgent);
  }

  private void enqueue(Runnable task, ArrayDeque<Runnable> queue) {
    synchronized (tasks) {
      if (!scheduled) {
        pool.execute(this::runSome); // throws before anything is queued when shut down
        scheduled = true;
      }
      queue.add(task);
      pending.incrementAndGet();
    }
  }

  /** True when tasks are waiting behind the one running (if any). */
  boolean hasQueued() {
    synchronized (tasks) {
      return !tasks.isEmpty() || !urgent.isEmpty();
    }
  }

  private void runSome() {
    for (int i = 0; i < TASKS_PER_TURN; i++) {
      Runnable task;
      synchronized (tasks) {
        task = urgent.isEmpty() ? tasks.poll() : urgent.poll();
        if (task == null) {
          scheduled = false;
          return;
        }
      }
      pending.decrementAndGet();
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("Task failed", e);
      }
    }
    try {
      pool.execute(this::runSome);
    } catch (RejectedExecutionException e) {
      runSome(); // shutting down: finish what was queued on this thread
    }
  }
}
