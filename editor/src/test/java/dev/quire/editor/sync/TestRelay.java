package dev.quire.editor.sync;

import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.Role;
import dev.quire.relay.Relay;
import dev.quire.relay.RelayConfig;
import java.net.URI;
import java.nio.file.Path;

/** A real relay, in-process on a free port, with its data in a test directory. */
public final class TestRelay implements AutoCloseable {
  public static final Limits LIMITS = new Limits(1 << 20, 1000, 2000, 10_000, 10_000);

  private final Path dataDir;
  private Limits limits = LIMITS;
  private long maxOutgoingBytes = 16L << 20;
  private Relay relay;
  private int port;

  private TestRelay(Path dataDir) {
    this.dataDir = dataDir;
  }

  public static TestRelay start(Path dataDir) {
    return start(dataDir, LIMITS);
  }

  public static TestRelay start(Path dataDir, Limits limits) {
    TestRelay r = new TestRelay(dataDir);
    r.limits = limits;
    r.relay = Relay.start(r.config(0));
    r.port = r.relay.port();
    return r;
  }

  /**
   * A relay with {@code limits} that disconnects a connection with more than {@code
   * maxOutgoingBytes} queued unread ({@code TOO_SLOW}).
   */
  public static TestRelay start(Path dataDir, Limits limits, long maxOutgoingBytes) {
    TestRelay r = new TestRelay(dataDir);
    r.limits = limits;
    r.maxOutgoingBytes = maxOutgoingBytes;
    r.relay = Relay.start(r.config(0));
    r.port = r.relay.port();
    return r;
  }

  /**
   * Starts a relay on {@code port} over {@code dataDir}, which another relay (stopped first: the
   * embedded store takes one process at a time) may have used: a relay sharing the other's history.
   */
  public static TestRelay startOn(Path dataDir, int port) {
    TestRelay r = new TestRelay(dataDir);
    r.relay = Relay.start(r.config(port));
    r.port = r.relay.port();
    return r;
  }

  private RelayConfig config(int port) {
    return RelayConfig.builder(dataDir)
        .port(port)
        .metricsPort(-1)
        .limits(limits)
        .maxOutgoingBytes(maxOutgoingBytes)
        .checkpointInterval(100)
        .workerThreads(2)
        .build();
  }

  public URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  /** The relay's signing key as welcome publishes it (X.509 DER in base64). */
  public String signingKey() {
    return dev.quire.ot.history.Ed25519.publicKey(
        dev.quire.ot.history.Ed25519.fromPrivate(
            relay
                .store()
                .signatures()
                .signingKey(
                    () -> {
                      throw new IllegalStateException("the relay made its key at start");
                    })));
  }

  /** Adds a user and returns a token. */
  public String user(String name) {
    return relay.store().users().add(name);
  }

  /** Creates a document owned by {@code owner} that {@code editors} may edit too. */
  public void document(String id, String owner, String... editors) {
    titledDocument(id, "Title of " + id, owner, editors);
  }

  /** Creates a document with a title, owned by {@code owner}, that {@code editors} may edit too. */
  public void titledDocument(String id, String title, String owner, String... editors) {
    relay.store().documents().create(id, title, owner, System.currentTimeMillis());
    for (String e : editors) {
      relay.store().documents().setRole(id, e, Role.EDITOR);
    }
  }

  /** Stops the relay (cleanly: clients see the connection close). */
  public void stop() {
    relay.close();
    relay = null;
  }

  /** Starts it again on the same port and data. */
  public void restart() {
    relay = Relay.start(config(port));
  }

  public Relay relay() {
    return relay;
  }

  @Override
  public void close() {
    if (relay != null) {
      relay.close();
    }
  }
}
