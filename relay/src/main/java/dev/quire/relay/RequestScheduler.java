package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.relay.store.StoreException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one document's requests on its {@link SerialExecutor}, one at a time and in order, and
 * defers those that must wait: every request while something is read on a loader thread, every
 * request but a submit while batches are being committed, a submit that needs them committed or
 * (other writers sharing the document) the run at the appender decided, and everything behind a
 * deferred request, which keeps each connection's requests in order. Outcomes (commits, reads) run
 * ahead of queued requests. Confined to the executor, except the counters {@link #isQuiet} reads.
 */
final class RequestScheduler implements LiveFanout.Tasks {
  private static final Logger log = LoggerFactory.getLogger(RequestScheduler.class);
  static final String SUBMIT = "submit";

  /** What the scheduler asks of the document it runs. */
  interface Document {
    /** Before a request other than a submit: it comes after the batches already committed. */
    void beforeRequest();

    /** A request or outcome failed unexpectedly: forget what is in memory. */
    void failed();

    /** Nothing is queued, deferred or committing. */
    void quiet();
  }

  /** Thrown by a request that must wait, first in line, until something is read. */
  static final class WaitForLoad extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private WaitForLoad() {
      super(null, null, false, false);
    }
  }

  /** Thrown by a request that must wait until every commit before it is done. */
  static final class WaitForCommits extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WaitForCommits() {
      super(null, null, false, false);
    }
  }

  /**
   * Thrown by a submit that must wait until the run of batches at the appender is decided (other
   * writers share the document: its next batches are placed after that run's outcome).
   */
  static final class WaitForAppender extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WaitForAppender() {
      super(null, null, false, false);
    }
  }

  /** What a deferred request waits for, besides reads and the requests before it. */
  private enum Wait {
    NOTHING,
    COMMITS, // every batch handed to the appender decided and handled
    APPENDER // no run at the appender
  }

  /** A request waiting. */
  private static final class Deferred {
    final Session session;
    final RequestHeader request;
    final Consumer<Session> work;
    Wait wait;

    Deferred(Session session, RequestHeader request, Consumer<Session> work, Wait wait) {
      this.session = session;
      this.request = request;
      this.work = work;
      this.wait = wait;
    }
  }

  private final String doc;
  private final SerialExecutor executor;
  private final ExecutorService loadPool;
  private Document document;
  private final AtomicInteger queued = new AtomicInteger(); // requests queued or running
  // Batches handed to the appender whose outcome has not been handled, deferred requests, reads.
  private final AtomicInteger unfinished = new AtomicInteger();
  private volatile long lastActiveNanos = System.nanoTime();
  private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
  private int committing; // batches sequenced for the appender, outcome not yet handled
  private int appending; // runs at the appender, outcome not yet handled
  private boolean runningDeferred;
  private long generation; // counts invalidations: a read started before one is not installed
  private boolean loading; // a read is in flight on the loader; every request waits meanwhile
  private RuntimeException loadFailure; // why the last read failed, for the request that needs it

  RequestScheduler(String doc, SerialExecutor executor, ExecutorService loadPool) {
    this.doc = doc;
    this.executor = executor;
    this.loadPool = loadPool;
  }

  /** Sets the document it runs requests for (once, before the first request). */
  void document(Document d) {
    this.document = d;
  }

  /** True when nothing is queued, deferred, being read or committing. */
  boolean isQuiet() {
    return queued.get() == 0 && unfinished.get() == 0;
  }

  /** Nanoseconds since it last finished a request (meaningful while quiet). */
  long idleNanos(long now) {
    return now - lastActiveNanos;
  }

  /** True when requests or outcomes are queued on the executor behind the running one. */
  boolean hasQueued() {
    return executor.hasQueued();
  }

  /**
   * Queues {@code work} for {@code session} (null: the relay's own) on the executor; refusals and
   * failures are answered with an error.
   */
  void run(Session session, RequestHeader request, Consumer<Session> work) {
    queued.incrementAndGet();
    try {
      executor.execute(() -> runNow(session, request, work));
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  private void runNow(Session session, RequestHeader request, Consumer<Session> work) {
    boolean submit = SUBMIT.equals(request.type());
    try {
      if (loading || !deferred.isEmpty() || (committing > 0 && !submit)) {
        defer(new Deferred(session, request, work, submit ? Wait.NOTHING : Wait.COMMITS), false);
      } else {
        attempt(new Deferred(session, request, work, Wait.NOTHING));
      }
    } finally {
      finished();
    }
  }

  /** Runs a request, or defers it to the front of the queue when it must wait. */
  private void attempt(Deferred d) {
    if (!SUBMIT.equals(d.request.type())) {
      document.beforeRequest();
    }
    try {
      d.work.accept(d.session);
    } catch (WaitForCommits w) {
      d.wait = Wait.COMMITS;
      defer(d, true);
    } catch (WaitForAppender w) {
      d.wait = Wait.APPENDER;
      defer(d, true);
    } catch (WaitForLoad w) {
      defer(d, true); // runs again once it is read
    } catch (Refusal r) {
      if (d.session != null) {
        d.session.error(r.code(), r.getMessage(), d.request.withDoc(doc));
      }
    } catch (RuntimeException e) { // StoreException, or a bug: never leave a request unanswered
      log.error("Document {}: {} failed", doc, d.request.type(), e);
      document.failed(); // re-read the stored state before the next request
      String what =
          e instanceof StoreException
              ? "the relay could not store or read: " + e.getMessage()
              : "the relay failed: " + e;
      if (d.session != null) {
        d.session.error(ErrorCode.INTERNAL, what, d.request.withDoc(doc));
      }
    }
  }

  private void defer(Deferred d, boolean first) {
    unfinished.incrementAndGet();
    if (first) {
      deferred.addFirst(d);
    } else {
      deferred.addLast(d);
    }
  }

  /**
   * Puts a submit first in line, to run again once no run is at the appender (call it for the last
   * of several first).
   */
  void retryFirst(Session session, RequestHeader request, Consumer<Session> work) {
    defer(new Deferred(session, request, work, Wait.APPENDER), true);
  }

  /** Runs the deferred requests that may run now, in order. */
  private void runDeferred() {
    runningDeferred = true;
    try {
      while (!loading && !deferred.isEmpty() && mayRun(deferred.peekFirst())) {
        Deferred d = deferred.pollFirst();
        unfinished.decrementAndGet();
        attempt(d);
      }
    } finally {
      runningDeferred = false;
    }
  }

  /** True when requests wait, or the deferred ones are running: more may follow this one. */
  boolean hasDeferred() {
    return runningDeferred || !deferred.isEmpty();
  }

  private boolean mayRun(Deferred d) {
    return switch (d.wait) {
      case NOTHING -> true;
      case COMMITS -> committing == 0;
      case APPENDER -> appending == 0;
    };
  }

  @Override
  public void started() {
    queued.incrementAndGet();
  }

  @Override
  public void finished() {
    lastActiveNanos = System.nanoTime();
    if (queued.decrementAndGet() == 0 && isQuiet()) {
      document.quiet();
    }
  }

  /** Runs {@code outcome} on the executor, ahead of queued requests, never deferred. */
  void runOutcome(Runnable outcome) {
    queued.incrementAndGet();
    try {
      executor.executeUrgent(
          () -> {
            try {
              outcome.run();
              runDeferred();
            } catch (RuntimeException e) {
              log.error("Document {}: handling a commit failed", doc, e);
              document.failed();
            } finally {
              finished();
            }
          });
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  /**
   * Runs {@code task} on the executor after what is queued now (requests included), never deferred:
   * for handing over what those requests add to.
   */
  void runAfterQueued(Runnable task) {
    queued.incrementAndGet();
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.error("Document {}: handing batches to the appender failed", doc, e);
              document.failed();
            } finally {
              finished();
            }
          });
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  /** A run of batches was handed to the appender. */
  void appendStarted() {
    appending++;
  }

  /** The outcome of a run handed to the appender is being handled. */
  void appendEnded() {
    appending--;
  }

  /** Runs handed to the appender whose outcome has not been handled. */
  int appending() {
    return appending;
  }

  /** A batch was sequenced for the appender. */
  void commitStarted() {
    committing++;
    unfinished.incrementAndGet();
  }

  /** The outcome of a batch handed to the appender is being handled. */
  void commitEnded() {
    committing--;
    unfinished.decrementAndGet();
  }

  /** Batches handed to the appender whose outcome has not been handled. */
  int committing() {
    return committing;
  }

  /** What was read before now is stale: a read in flight is not installed. */
  void invalidateReads() {
    generation++;
  }

  /**
   * Reads {@code read} on a loader thread and hands its result to {@code install} on the executor,
   * unless reads were invalidated meanwhile; the request that needed it runs again then, and every
   * request behind it waits. Returns what the request throws to wait, or throws what the previous
   * read failed with (the request that needed it gets the error).
   */
  <T> WaitForLoad loadFirst(Supplier<T> read, Consumer<T> install) {
    if (loadFailure != null) {
      RuntimeException e = loadFailure;
      loadFailure = null;
      throw e;
    }
    long readIn = generation;
    loading = true;
    unfinished.incrementAndGet(); // not idle while reading
    try {
      loadPool.execute(
          () -> {
            T value = null;
            RuntimeException failure = null;
            try {
              value = read.get();
            } catch (RuntimeException e) {
              failure = e;
            }
            T v = value;
            RuntimeException f = failure;
            runOutcome(() -> readDone(readIn, () -> install.accept(v), f));
          });
    } catch (RuntimeException e) {
      loading = false;
      unfinished.decrementAndGet();
      throw e;
    }
    return new WaitForLoad();
  }

  /** A read is done: installs it unless invalidated meanwhile ({@link #runOutcome} goes on). */
  private void readDone(long readIn, Runnable install, RuntimeException failure) {
    loading = false;
    unfinished.decrementAndGet();
    if (readIn != generation) {
      return; // stale: the request that needed it reads again
    }
    if (failure != null) {
      loadFailure = failure;
    } else {
      install.run();
    }
  }
}
