package dev.quire.relay;

import dev.quire.ot.protocol.Limits;
import dev.quire.relay.postgres.PgUrl;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.PayloadKind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a relay is started with. Build one with {@link #builder(Path)}; the defaults are those
 * of {@code ./quire relay}.
 *
 * @param bind the address the WebSocket port listens on
 * @param port the WebSocket port; 0 picks a free one
 * @param metricsPort the plain-HTTP port for {@code /health} and {@code /metrics} on the same
 *     address; 0 picks a free one, -1 turns it off
 * @param dataDir where the database lives
 * @param limits the limits told to clients
 * @param maxOutgoingBytes how much a connection may have queued unsent before it is disconnected
 * @param checkpointInterval checkpoints of the text are at least this many revisions apart, unless
 *     the edits since outgrow the text (see {@code CheckpointPolicy})
 * @param opaque sequence payloads without reading them (no validation, head text or checkpoints)
 * @param openMode no authentication: everybody is the user {@code guest}, an editor of everything
 * @param allowOpenOnNetwork allow {@code openMode} on an address other than loopback
 * @param workerThreads threads that run the documents' work
 * @param helloTimeoutMillis a connection that has not said hello by then is closed
 * @param backupDir where to write online backups (H2 {@code BACKUP TO}), or null for none
 * @param backupIntervalMillis how often to write one
 * @param syncWrites force each journal write to the disk before acknowledging ({@code fsync}), so
 *     that acknowledged batches survive a power loss too, at the cost of the disk's flush time
 * @param database the PostgreSQL database to keep everything in, shared with any other relays on
 *     it, instead of {@code dataDir}; null for the data directory
 * @param trashRetentionMillis how long a deleted document stays in its owner's trash before the
 *     relay purges it
 */
public record RelayConfig(
    String bind,
    int port,
    int metricsPort,
    Path dataDir,
    Limits limits,
    long maxOutgoingBytes,
    int checkpointInterval,
    boolean opaque,
    boolean openMode,
    boolean allowOpenOnNetwork,
    int workerThreads,
    long helloTimeoutMillis,
    Path backupDir,
    long backupIntervalMillis,
    boolean syncWrites,
    PgUrl database,
    long trashRetentionMillis) {

  /** How documents created on this relay treat their operations, and documents stored without. */
  public PayloadKind payloadKind() {
    return opaque ? PayloadKind.OPAQUE : PayloadKind.READABLE;
  }

  /** How the relay treats {@code row}'s operations: as recorded, else {@link #payloadKind()}. */
  public PayloadKind payloadKindOf(DocumentRow row) {
    return row.payload() != null ? row.payload() : payloadKind();
  }

  public static final int DEFAULT_PORT = 7070;
  public static final int DEFAULT_METRICS_PORT = 7071;
  public static final long DEFAULT_TRASH_RETENTION_MILLIS = 30L * 24 * 3_600_000;
  public static final Limits DEFAULT_LIMITS = new Limits(1 << 20, 1000, 2000, 500, 1000);

  public RelayConfig {
    Objects.requireNonNull(bind, "bind == null");
    Objects.requireNonNull(dataDir, "dataDir == null");
    Objects.requireNonNull(limits, "limits == null");
    requireRange("port", port, 0, 65535);
    requireRange("metricsPort", metricsPort, -1, 65535);
    requireRange("checkpointInterval", checkpointInterval, 1, Integer.MAX_VALUE);
    requireRange("workerThreads", workerThreads, 1, 1024);
    if (maxOutgoingBytes < 2L * limits.maxMessageBytes()) {
      // The answer to one request is at most one message: a reader must always have room for it.
      throw new IllegalArgumentException(
          "maxOutgoingBytes ("
              + maxOutgoingBytes
              + ") must be at least twice maxMessageBytes ("
              + limits.maxMessageBytes()
              + ")");
    }
    if (helloTimeoutMillis < 1) {
      throw new IllegalArgumentException("helloTimeoutMillis must be positive");
    }
    if (trashRetentionMillis < 1) {
      throw new IllegalArgumentException("trashRetentionMillis must be positive");
    }
    if (backupIntervalMillis < 1) {
      throw new IllegalArgumentException("backupIntervalMillis must be positive");
    }
    if (database != null && backupDir != null) {
      throw new IllegalArgumentException(
          "a relay on PostgreSQL makes no backups itself: back the database up with PostgreSQL's"
              + " own tools (pg_dump), and drop --backup-dir");
    }
    if (database != null && syncWrites) {
      throw new IllegalArgumentException(
          "--sync is for the data directory's journal; on PostgreSQL an acknowledged edit is"
              + " committed in the database, as durable as its settings make it (synchronous_commit)");
    }
    if (openMode && !allowOpenOnNetwork && !isLoopback(bind)) {
      throw new IllegalArgumentException(
          "open mode (no authentication) on "
              + bind
              + " would let anyone on the network read and edit every document; bind to"
              + " 127.0.0.1, or add --allow-open-on-network if that is really meant");
    }
  }

  /** The defaults, with data in {@code dataDir}. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in " + min + ".." + max + ", was " + value);
    }
  }

  /** Builds a {@link RelayConfig}; every setter has the {@code ./quire relay} default. */
  public static final class Builder {
    private final Path dataDir;
    private String bind = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int metricsPort = DEFAULT_METRICS_PORT;
    private Limits limits = DEFAULT_LIMITS;
    private long maxOutgoingBytes = 16L << 20;
    private int checkpointInterval = 1000;
    private boolean opaque;
    private boolean openMode;
    private boolean allowOpenOnNetwork;
    private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private long helloTimeoutMillis = 10_000;
    private Path backupDir;
    private long backupIntervalMillis = 3_600_000;
    private boolean syncWrites;
    private PgUrl database;
    private long trashRetentionMillis = DEFAULT_TRASH_RETENTION_MILLIS;

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir == null");
    }

    public Builder bind(String bind) {
      this.bind = bind;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder metricsPort(int metricsPort) {
      this.metricsPort = metricsPort;
      return this;
    }

    public Builder limits(Limits limits) {
      this.limits = limits;
      return this;
    }

    public Builder maxOutgoingBytes(long maxOutgoingBytes) {
      this.maxOutgoingBytes = maxOutgoingBytes;
      return this;
    }

    public Builder checkpointInterval(int checkpointInterval) {
      this.checkpointInterval = checkpointInterval;
      return this;
    }

    public Builder opaque(boolean opaque) {
      this.opaque = opaque;
      return this;
    }

    public Builder openMode(boolean openMode) {
      this.openMode = openMode;
      return this;
    }

    public Builder allowOpenOnNetwork(boolean allow) {
      this.allowOpenOnNetwork = allow;
      return this;
    }

    public Builder workerThreads(int workerThreads) {
      this.workerThreads = workerThreads;
      return this;
    }

    public Builder helloTimeoutMillis(long helloTimeoutMillis) {
      this.helloTimeoutMillis = helloTimeoutMillis;
      return this;
    }

    /** Writes an online backup into {@code dir} every {@code intervalMillis}; null for none. */
    public Builder backups(Path dir, long intervalMillis) {
      this.backupDir = dir;
      this.backupIntervalMillis = intervalMillis;
      return this;
    }

    /** Forces every journal write to the disk before it is acknowledged. */
    public Builder syncWrites(boolean syncWrites) {
      this.syncWrites = syncWrites;
      return this;
    }

    /** Keeps everything in this PostgreSQL database instead of the data directory; null: not. */
    public Builder database(PgUrl database) {
      this.database = database;
      return this;
    }

    /** Purges a document this long after it was deleted, unless it is restored first. */
    public Builder trashRetentionMillis(long millis) {
      this.trashRetentionMillis = millis;
      return this;
    }

    public RelayConfig build() {
      return new RelayConfig(
          bind,
          port,
          metricsPort,
          dataDir,
          limits,
          maxOutgoingBytes,
          checkpointInterval,
          opaque,
          openMode,
          allowOpenOnNetwork,
          workerThreads,
          helloTimeoutMillis,
          backupDir,
          backupIntervalMillis,
          syncWrites,
          database,
          trashRetentionMillis);
    }
  }
}
