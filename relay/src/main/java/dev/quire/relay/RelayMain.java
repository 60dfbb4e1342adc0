package dev.quire.relay;

import dev.quire.ot.protocol.Limits;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.store.RelayStorage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./quire relay}: runs the relay until Ctrl-C or SIGTERM, then stops it cleanly. Subcommands
 * manage users and roles in the data directory. Every option can also come from an environment
 * variable; {@code --help} lists them.
 */
@Command(
    name = "quire relay",
    mixinStandardHelpOptions = true,
    versionProvider = RelayMain.Version.class,
    sortOptions = false,
    subcommands = {UserCommand.class, GrantCommand.class, BackupCommand.class},
    description = {
      "Runs the Quire relay: authenticates editors, sequences their edits into each document's"
          + " history, stores it (embedded H2, or PostgreSQL with --database) and sends it on.",
      "Prints 'listening on HOST:PORT' (and 'metrics on HOST:PORT') on standard output once it"
          + " listens; logs go to standard error. Stops cleanly on Ctrl-C or SIGTERM.",
      "Each option's environment variable is shown in brackets; the option wins over it.",
      ""
    })
public final class RelayMain implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--bind",
      defaultValue = "${env:QUIRE_RELAY_BIND:-127.0.0.1}",
      description = "Address to listen on (default ${DEFAULT-VALUE}) [QUIRE_RELAY_BIND].")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "${env:QUIRE_RELAY_PORT:-7070}",
      description =
          "WebSocket port; 0 picks a free one (default ${DEFAULT-VALUE}) [QUIRE_RELAY_PORT].")
  int port;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:QUIRE_RELAY_METRICS_PORT:-7071}",
      description =
          "Plain-HTTP port for /health and /metrics (Prometheus), on the same address; 0 picks a"
              + " free one, -1 turns it off (default ${DEFAULT-VALUE}) [QUIRE_RELAY_METRICS_PORT].")
  int metricsPort;

  @Option(
      names = "--data",
      defaultValue = "${env:QUIRE_RELAY_DATA:-${sys:user.home}/.quire/relay}",
      description = "Data directory (default ${DEFAULT-VALUE}) [QUIRE_RELAY_DATA].")
  Path data;

  @Option(
      names = "--database",
      defaultValue = "${env:QUIRE_RELAY_DATABASE}",
      description =
          "Keep everything in this PostgreSQL database instead of --data, shared with any other"
              + " relays on it: a JDBC URL, jdbc:postgresql://HOST[:PORT]/DATABASE, with"
              + " ?user=NAME&password=SECRET or those from QUIRE_RELAY_DATABASE_USER and"
              + " QUIRE_RELAY_DATABASE_PASSWORD; give it before a subcommand"
              + " [QUIRE_RELAY_DATABASE].")
  String database;

  @Option(
      names = "--max-message-bytes",
      defaultValue = "${env:QUIRE_RELAY_MAX_MESSAGE_BYTES:-1048576}",
      description =
          "Largest message accepted, in bytes (default ${DEFAULT-VALUE}) [QUIRE_RELAY_MAX_MESSAGE_BYTES].")
  int maxMessageBytes;

  @Option(
      names = "--max-batch-operations",
      defaultValue = "${env:QUIRE_RELAY_MAX_BATCH_OPERATIONS:-1000}",
      description =
          "Most operations in one batch (default ${DEFAULT-VALUE}) [QUIRE_RELAY_MAX_BATCH_OPERATIONS].")
  int maxBatchOperations;

  @Option(
      names = "--page-size",
      defaultValue = "${env:QUIRE_RELAY_PAGE_SIZE:-2000}",
      description =
          "Revisions per history page (default ${DEFAULT-VALUE}) [QUIRE_RELAY_PAGE_SIZE].")
  int pageSize;

  @Option(
      names = "--rate",
      defaultValue = "${env:QUIRE_RELAY_RATE:-500}",
      description =
          "Messages per second one connection may send (default ${DEFAULT-VALUE}) [QUIRE_RELAY_RATE].")
  int rate;

  @Option(
      names = "--burst",
      defaultValue = "${env:QUIRE_RELAY_BURST:-1000}",
      description =
          "Messages one connection may send at once (default ${DEFAULT-VALUE}) [QUIRE_RELAY_BURST].")
  int burst;

  @Option(
      names = "--max-queued-bytes",
      defaultValue = "${env:QUIRE_RELAY_MAX_QUEUED_BYTES:-16777216}",
      description =
          "Unsent bytes a connection may have queued before it is disconnected as too slow"
              + " (default ${DEFAULT-VALUE}) [QUIRE_RELAY_MAX_QUEUED_BYTES].")
  long maxQueuedBytes;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "${env:QUIRE_RELAY_CHECKPOINT_INTERVAL:-1000}",
      description =
          "Store the whole text at most every this many revisions, once the edits since amount to half of it (default ${DEFAULT-VALUE}) [QUIRE_RELAY_CHECKPOINT_INTERVAL].")
  int checkpointInterval;

  @Option(
      names = "--threads",
      defaultValue = "${env:QUIRE_RELAY_THREADS:-0}",
      description =
          "Threads for documents' work; 0 means one per core, at least 2 [QUIRE_RELAY_THREADS].")
  int threads;

  @Option(
      names = "--backup-dir",
      defaultValue = "${env:QUIRE_RELAY_BACKUP_DIR}",
      description =
          "Write an online backup (a zip of the database, consistent while it runs) into this"
              + " directory every --backup-minutes; none by default [QUIRE_RELAY_BACKUP_DIR].")
  Path backupDir;

  @Option(
      names = "--backup-minutes",
      defaultValue = "${env:QUIRE_RELAY_BACKUP_MINUTES:-60}",
      description =
          "Minutes between backups (default ${DEFAULT-VALUE}) [QUIRE_RELAY_BACKUP_MINUTES].")
  long backupMinutes;

  @Option(
      names = "--sync",
      defaultValue = "${env:QUIRE_RELAY_SYNC:-false}",
      description =
          "Force each write of the journal to the disk (fsync) before acknowledging it, so"
              + " acknowledged edits survive a power loss too; slower on disks without a"
              + " protected write cache [QUIRE_RELAY_SYNC].")
  boolean sync;

  @Option(
      names = "--trash-days",
      defaultValue = "${env:QUIRE_RELAY_TRASH_DAYS:-30}",
      description =
          "Days a deleted document stays in its owner's trash, restorable, before the relay"
              + " purges it for good (default ${DEFAULT-VALUE}) [QUIRE_RELAY_TRASH_DAYS].")
  int trashDays;

  @Option(
      names = "--opaque",
      defaultValue = "${env:QUIRE_RELAY_OPAQUE:-false}",
      description =
          "Sequence and store payloads without reading them: no validation, head text or"
              + " checkpoints [QUIRE_RELAY_OPAQUE].")
  boolean opaque;

  @Option(
      names = "--open",
      defaultValue = "${env:QUIRE_RELAY_OPEN:-false}",
      description =
          "Demo mode, NO authentication: everybody is user 'guest' and may edit everything."
              + " Refused on a non-loopback address without --allow-open-on-network [QUIRE_RELAY_OPEN].")
  boolean open;

  @Option(
      names = "--allow-open-on-network",
      defaultValue = "false",
      description = "Allow --open on an address other than loopback.")
  boolean allowOpenOnNetwork;

  /** The running relay's store when this parses an admin command inside it, else null. */
  private RelayStorage adminStore;

  @Override
  public Integer call() throws InterruptedException {
    if (adminStore != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "only 'user', 'grant' and 'backup' run through a running relay");
    }
    RelayConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Relay relay = Relay.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              relay.close();
              stopped.countDown();
            },
            "quire-relay-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("listening on " + config.bind() + ":" + relay.port());
    if (relay.metricsPort() >= 0) {
      out.println("metrics on " + config.bind() + ":" + relay.metricsPort());
    }
    out.flush();
    stopped.await();
    return 0;
  }

  RelayConfig config() {
    return RelayConfig.builder(data)
        .bind(bind)
        .port(port)
        .metricsPort(metricsPort)
        .limits(new Limits(maxMessageBytes, maxBatchOperations, pageSize, rate, burst))
        .maxOutgoingBytes(maxQueuedBytes)
        .checkpointInterval(checkpointInterval)
        .workerThreads(
            threads > 0 ? threads : Math.max(2, Runtime.getRuntime().availableProcessors()))
        .opaque(opaque)
        .openMode(open)
        .allowOpenOnNetwork(allowOpenOnNetwork)
        .backups(backupDir, Math.max(1, backupMinutes) * 60_000)
        .syncWrites(sync)
        .database(onDatabase() ? databaseUrl() : null)
        .trashRetentionMillis(trashDays())
        .build();
  }

  private long trashDays() {
    if (trashDays < 1) {
      throw new IllegalArgumentException("--trash-days must be at least 1, was " + trashDays);
    }
    return trashDays * 24L * 3_600_000;
  }

  /**
   * The {@code --database} URL with the user and password from the environment where it has none.
   *
   * @throws IllegalArgumentException when it is not a PostgreSQL JDBC URL
   */
  PgUrl databaseUrl() {
    return PgUrl.of(database, System.getenv());
  }

  /** True when {@code --database} (or its variable) names a database. */
  boolean onDatabase() {
    return database != null && !database.isBlank();
  }

  /** Builds the picocli command line, for {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new RelayMain());
    cmd.setUsageHelpAutoWidth(true); // help as wide as the terminal, 80 columns when unknown
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("quire relay: " + e.getMessage());
          commandLine.getErr().flush();
          return 1;
        });
    return cmd;
  }

  /**
   * The command line an {@link AdminEndpoint} runs inside the relay: {@code user}, {@code grant}
   * and {@code backup} work on {@code live}, the relay's own store, and nothing starts another
   * relay.
   */
  static CommandLine commandLine(RelayStorage live) {
    CommandLine cmd = commandLine();
    ((RelayMain) cmd.getCommand()).adminStore = live;
    ((UserCommand) cmd.getSubcommands().get("user").getCommand()).live = live;
    ((GrantCommand) cmd.getSubcommands().get("grant").getCommand()).live = live;
    ((BackupCommand) cmd.getSubcommands().get("backup").getCommand()).live = live;
    return cmd;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Reads the version from the jar manifest (Implementation-Version). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RelayMain.class.getPackage().getImplementationVersion();
      return new String[] {"quire relay " + (v == null ? "dev" : v)};
    }
  }
}
