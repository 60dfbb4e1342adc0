package dev.quire.relay;

import com.sun.net.httpserver.HttpExchange;
import dev.quire.ot.history.Ed25519;
import dev.quire.relay.postgres.PostgresStorage;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.RelayStorage;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running relay: the WebSocket server, the documents' executors, the database and the metrics
 * endpoint. {@link #start} returns once it listens (port 0 picks a free port, see {@link #port()});
 * {@link #close} stops it cleanly: refuses new requests, finishes the queued ones (their commits,
 * acks and broadcasts), closes the connections, then the database.
 */
public final class Relay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  // How long a stop waits for running tasks (a document load, a hello) before interrupting them.
  private static final long STRAGGLER_SECONDS = 10;

  private final RelayContext ctx;
  private final Dispatcher dispatcher;
  private final RelayServer server;
  private final HTTPServer http;
  private final AdminEndpoint admin;
  private volatile boolean closed;

  private Relay(
      RelayContext ctx,
      Dispatcher dispatcher,
      RelayServer server,
      HTTPServer http,
      AdminEndpoint admin) {
    this.ctx = ctx;
    this.dispatcher = dispatcher;
    this.server = server;
    this.http = http;
    this.admin = admin;
  }

  /**
   * Opens the data directory and starts listening.
   *
   * @throws IllegalStateException when the port cannot be bound or the data cannot be opened
   */
  public static Relay start(RelayConfig config) {
    return start(config, UnaryOperator.identity());
  }

  /** Starts a relay whose documents are read through {@code around} the store's loader. */
  static Relay start(RelayConfig config, UnaryOperator<DocumentLoader> around) {
    return start(config, around, UnaryOperator.identity());
  }

  /**
   * Starts a relay on the storage {@code storage} makes of the configured one (tests: other
   * writers), whose documents are read through {@code around} the store's loader.
   */
  static Relay start(
      RelayConfig config,
      UnaryOperator<DocumentLoader> around,
      UnaryOperator<RelayStorage> storage) {
    requireFree(config.bind(), config.port(), "--port");
    requireFree(config.bind(), config.metricsPort(), "--metrics-port");
    // Reads mostly wait (for H2 to take in the journal, for the disk), so there are more loader
    // threads than cores: two documents per core slow to wake still leave room for hellos.
    int loaders = 2 * config.workerThreads();
    RelayStorage store = storage.apply(openStorage(config, config.workerThreads() + loaders + 4));
    ExecutorService pool = Executors.newFixedThreadPool(config.workerThreads(), named("quire-doc"));
    ExecutorService loadPool = Executors.newFixedThreadPool(loaders, named("quire-load"));
    DocumentLoader loader = around.apply(new StoreDocumentLoader(store, config));
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, named("quire-relay-timer"));
    // A stop drops what is scheduled for later and waits only for a task already running.
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    AtomicInteger pending = new AtomicInteger();
    AtomicInteger openDocs = new AtomicInteger();
    RelayServer[] serverRef = new RelayServer[1];
    RelayMetrics metrics =
        new RelayMetrics(
            pending::get,
            () -> serverRef[0] == null ? 0 : Dispatcher.queuedBytes(serverRef[0].sessions()));
    metrics.documentsOpen.set(0);
    BatchAppender appender =
        store.startAppender(nanos -> metrics.commitSeconds.observe(nanos / 1e9));
    RelayContext ctx =
        new RelayContext(
            config,
            store,
            loader,
            appender,
            metrics,
            pool,
            loadPool,
            timer,
            pending,
            openDocs,
            new UserSessions(),
            HistorySigner.open(store, config.checkpointInterval()));
    Dispatcher dispatcher = new Dispatcher(ctx);
    metrics.documentsInMemory(dispatcher::documentsInMemory);
    HTTPServer http = null;
    try {
      if (config.openMode()) {
        store.users().ensure(RelayContext.GUEST);
      }
      RelayServer server = new RelayServer(ctx, dispatcher);
      serverRef[0] = server;
      server.start();
      server.started.get(10, TimeUnit.SECONDS);
      timer.scheduleAtFixedRate(
          () -> metrics.documentsOpen.set(openDocs.get()), 1, 1, TimeUnit.SECONDS);
      if (config.backupDir() != null) {
        long every = config.backupIntervalMillis();
        timer.scheduleWithFixedDelay(
            () -> backup(store, config), every, every, TimeUnit.MILLISECONDS);
      }
      if (config.metricsPort() >= 0) {
        http = startHttp(config, metrics, store);
      }
      Relay relay = new Relay(ctx, dispatcher, server, http, adminEndpoint(store));
      log.info(
          "Quire relay listening on ws://{}:{} ({} mode{}), data in {}, signing key {}{}",
          config.bind(),
          relay.port(),
          config.opaque() ? "opaque" : "readable",
          config.openMode() ? ", OPEN: no authentication" : "",
          store.describe(),
          Ed25519.fingerprint(ctx.signer().publicKey()),
          http == null
              ? ""
              : ", metrics on http://" + config.bind() + ":" + http.getPort() + "/metrics");
      return relay;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutDownQuietly(serverRef[0], http, pool, loadPool, timer, appender, store);
      throw new IllegalStateException("interrupted while starting", e);
    } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
      shutDownQuietly(serverRef[0], http, pool, loadPool, timer, appender, store);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot start the relay on " + config.bind() + ":" + config.port() + ": " + cause, cause);
    }
  }

  /** Opens where the relay keeps its data, with room for {@code connections} at once. */
  private static RelayStorage openStorage(RelayConfig config, int connections) {
    return config.database() != null
        ? PostgresStorage.open(config.database(), connections)
        : EmbeddedStorage.open(config.dataDir(), connections, config.syncWrites());
  }

  /** The endpoint admin commands reach a running relay through, when its data is in a directory. */
  private static AdminEndpoint adminEndpoint(RelayStorage store) throws IOException {
    java.util.Optional<java.nio.file.Path> dir = store.dataDir();
    return dir.isPresent() ? AdminEndpoint.start(store, dir.get()) : null;
  }

  /**
   * Refuses a port that is taken in one line, before anything starts: the WebSocket library would
   * log the bind failure with a stack trace.
   */
  private static void requireFree(String bind, int port, String option) {
    if (port <= 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(bind, port));
    } catch (BindException e) {
      throw new IllegalStateException(
          "cannot start the relay: port "
              + port
              + " is already in use on "
              + bind
              + "; choose another with "
              + option);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + bind + ":" + port + ": " + e);
    }
  }

  private static void backup(RelayStorage store, RelayConfig config) {
    try {
      long t0 = System.nanoTime();
      java.nio.file.Path file =
          store
              .backups()
              .orElseThrow(() -> new IllegalStateException("this storage makes no backups"))
              .backup(config.backupDir());
      log.info("Backup written to {} in {} ms", file, (System.nanoTime() - t0) / 1_000_000);
    } catch (RuntimeException e) {
      log.warn("Backup to {} failed: {}", config.backupDir(), e.getMessage());
    }
  }

  private static HTTPServer startHttp(RelayConfig config, RelayMetrics metrics, RelayStorage store)
      throws IOException {
    return HTTPServer.builder()
        .hostname(config.bind())
        .port(config.metricsPort())
        .registry(metrics.registry)
        .defaultHandler(exchange -> health(exchange, store))
        .buildAndStart();
  }

  /** {@code GET /health}: 200 "ok" when the database answers, 503 otherwise; 404 elsewhere. */
  private static void health(HttpExchange exchange, RelayStorage store) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int status;
    String body;
    if (path.equals("/health")) {
      boolean healthy = store.isHealthy();
      status = healthy ? 200 : 503;
      body = healthy ? "ok\n" : "database unavailable\n";
    } else {
      status = 404;
      body = "not found: try /health or /metrics\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The WebSocket port it listens on. */
  public int port() {
    return server.getPort() != 0 ? server.getPort() : server.getAddress().getPort();
  }

  /** The metrics port, or -1 when there is none. */
  public int metricsPort() {
    return http == null ? -1 : http.getPort();
  }

  public RelayConfig config() {
    return ctx.config();
  }

  Iterable<Session> serverSessions() {
    return server.sessions();
  }

  RelayMetrics metrics() {
    return ctx.metrics();
  }

  /** The store, for tests and admin commands run in the same process. */
  public RelayStorage store() {
    return ctx.store();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Quire relay stopping: finishing queued requests");
    if (admin != null) {
      admin.close();
    }
    dispatcher.shutDown();
    try {
      // Commit outcomes come back to the documents' executors, so the pool must stay up until
      // every queued request and commit is done.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(dispatcher.isQuiet() && ctx.appender().isIdle() && ctx.pendingTasks().get() == 0)
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      ctx.pool().shutdown();
      if (!ctx.pool()
          .awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        log.warn("Requests still running after 30 s; stopping anyway");
      }
      for (Session s : server.sessions()) {
        s.close(CloseFrame.GOING_AWAY, "SHUTTING_DOWN: the relay is stopping");
      }
      server.stop(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shutDownQuietly(
        null, http, ctx.pool(), ctx.loadPool(), ctx.timer(), ctx.appender(), ctx.store());
    log.info("Quire relay stopped; data in {} closed", ctx.store().describe());
  }

  private static void shutDownQuietly(
      RelayServer server,
      HTTPServer http,
      ExecutorService pool,
      ExecutorService loadPool,
      ScheduledExecutorService timer,
      BatchAppender appender,
      RelayStorage store) {
    try {
      if (server != null) {
        server.stop(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (http != null) {
      http.close();
    }
    // Let running tasks end before the store closes. Interrupting a thread inside H2's file I/O
    // closes H2's file channel for the whole database (ClosedByInterruptException), which breaks it
    // for every later user in this JVM, a relay started again on the same directory included.
    stopWithoutInterrupting(timer);
    stopWithoutInterrupting(pool);
    stopWithoutInterrupting(loadPool);
    appender.close();
    store.close();
  }

  /**
   * Takes no more tasks and waits a little for the running ones; interrupts only the stragglers.
   */
  static void stopWithoutInterrupting(ExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(STRAGGLER_SECONDS, TimeUnit.SECONDS)) {
        log.warn("Tasks still running {} s after the stop; interrupting them", STRAGGLER_SECONDS);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "Relay[" + new InetSocketAddress(ctx.config().bind(), port()) + "]";
  }
}
