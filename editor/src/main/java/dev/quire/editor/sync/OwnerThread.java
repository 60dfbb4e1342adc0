package dev.quire.editor.sync;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The owner thread of headless mode (command line, tests, benchmarks): one thread that plays the
 * part the Swing event thread plays in the editor. Sessions and the engine are used only from it.
 */
public final class OwnerThread implements Executor, AutoCloseable {
  private final ExecutorService executor;
  private volatile Thread thread;

  private OwnerThread(String name) {
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              thread = t;
              return t;
            });
  }

  public static OwnerThread start(String name) {
    return new OwnerThread(name);
  }

  @Override
  public void execute(Runnable r) {
    executor.execute(r);
  }

  /** True on the owner thread itself. */
  public boolean isOwner() {
    return Thread.currentThread() == thread;
  }

  /**
   * Runs {@code work} on the owner thread and waits for its result, at most 60 s. For callers on
   * other threads (a command's main thread, a test); never call it from the owner thread.
   */
  public <T> T call(Callable<T> work) {
    if (isOwner()) {
      throw new IllegalStateException("call() from the owner thread would wait for itself");
    }
    Future<T> f = executor.submit(work);
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the owner thread did not answer within 60 s", e);
    }
  }

  /** Runs {@code work} on the owner thread and waits for it. */
  public void run(Runnable work) {
    call(
        () -> {
          work.run();
          return null;
        });
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
